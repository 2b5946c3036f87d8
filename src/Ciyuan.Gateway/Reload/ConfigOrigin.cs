using Ciyuan.Gateway.Setup;

namespace Ciyuan.Gateway.Reload;

/// <summary>Where the running configuration was read from, and the master key that came from the environment beside it.</summary>
internal sealed record ConfigOrigin(CiyuanPaths Paths, string? MasterKey);
