using System.Text.RegularExpressions;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>Loads a config file shipped with a deployment exactly as <c>ciyuan serve</c> would.</summary>
internal static partial class ConfigFiles
{
    /// <summary>
    /// Parses <paramref name="yaml"/> with Ciyuan's own loader (unknown keys, bad values and unset
    /// <c>env:</c> variables are errors). <paramref name="environment"/> is what the deployment sets;
    /// a compose-style <c>${VAR…}</c> in a value stands for whatever the operator exports.
    /// </summary>
    public static CiyuanConfig Load(string yaml, string source, IReadOnlyDictionary<string, string> environment) =>
        new ConfigLoader(CatalogProviderDefaults.Builtin, name => environment.TryGetValue(name, out var value) ? Interpolation().Replace(value, "operator-value") : null)
            .Parse(yaml, source);

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex Interpolation();
}
