using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Gateway.Setup;

/// <summary>Loads the config a command runs with, using the shipped catalog for provider defaults.</summary>
internal static class CiyuanConfigSource
{
    public static CiyuanConfig Load(CiyuanPaths paths)
    {
        var loader = new ConfigLoader(CatalogProviderDefaults.Builtin, Environment.GetEnvironmentVariable);
        if (paths.ConfigFile is null)
        {
            return CiyuanConfig.Empty;
        }

        if (!File.Exists(paths.ConfigFile))
        {
            throw new ConfigException(string.Empty, $"config file '{paths.ConfigFile}' does not exist");
        }

        return loader.LoadFile(paths.ConfigFile);
    }
}
