
namespace Ciyuan.Gateway.Setup;

/// <summary>
/// Where a command finds its config and data: <c>--config</c>, else <c>CIYUAN_CONFIG</c>, else
/// <c>./ciyuan.yaml</c> if present, else built-in defaults; data under <c>CIYUAN_DATA_DIR</c> or <c>./.ciyuan</c>.
/// Every command resolves the same way, so <c>keys</c> and <c>usage</c> see the store <c>serve</c> writes.
/// </summary>
internal sealed record CiyuanPaths(string? ConfigFile, string DataDirectory)
{
    public const string DefaultConfigFile = "ciyuan.yaml";
    public const string DefaultDataDirectory = ".ciyuan";

    public static CiyuanPaths Resolve(string? configOption, Func<string, string?> environment)
    {
        var config = configOption ?? environment("CIYUAN_CONFIG");
        if (config is null && File.Exists(DefaultConfigFile))
        {
            config = DefaultConfigFile;
        }

        var dataDirectory = environment("CIYUAN_DATA_DIR") is { Length: > 0 } dir ? dir : DefaultDataDirectory;
        return new CiyuanPaths(config, dataDirectory);
    }

}
