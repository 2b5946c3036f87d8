using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Gateway.Setup;

/// <summary>Loads the config a command runs with, using the shipped catalog for provider defaults.</summary>
internal static class CiyuanConfigSource
{
    public static CiyuanConfig Load(CiyuanPaths paths) => Read(paths).Config;

    /// <summary>The config and the text it was parsed from (null without a file), so a later reload knows whether the file changed.</summary>
    public static (CiyuanConfig Config, string? Text) Read(CiyuanPaths paths)
    {
        if (paths.ConfigFile is null)
        {
            return (CiyuanConfig.Empty, null);
        }

        if (!File.Exists(paths.ConfigFile))
        {
            throw new ConfigException(string.Empty, $"config file '{paths.ConfigFile}' does not exist");
        }

        string text;
        try
        {
            text = File.ReadAllText(paths.ConfigFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(string.Empty, $"cannot read config file '{paths.ConfigFile}': {ex.Message}");
        }

        return (Parse(text, paths.ConfigFile), text);
    }

    /// <summary>Parses config text read from <paramref name="path"/>.</summary>
    public static CiyuanConfig Parse(string yaml, string path) =>
        new ConfigLoader(CatalogProviderDefaults.Builtin, Environment.GetEnvironmentVariable).Parse(yaml, path);
}
