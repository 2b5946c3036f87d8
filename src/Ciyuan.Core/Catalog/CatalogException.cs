namespace Ciyuan.Core.Catalog;

/// <summary>
/// A catalog file that cannot be used. The message names the source and the exact path of the
/// offending value (e.g. <c>models[12].price.tiers[0].output: must be &gt;= 0</c>) so a person
/// editing the YAML can go straight to it.
/// </summary>
public sealed class CatalogException : Exception
{
    public CatalogException()
    {
    }

    public CatalogException(string message)
        : base(message)
    {
    }

    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CatalogException(string sourceName, string path, string problem, long? line = null)
        : base(Format(sourceName, path, problem, line))
    {
        SourceName = sourceName;
        Path = path;
    }

    /// <summary>Where the catalog came from (file name or resource name).</summary>
    public string? SourceName { get; }

    /// <summary>The path inside the document, e.g. <c>models[3].price.currency</c>; empty for the root.</summary>
    public string? Path { get; }

    private static string Format(string sourceName, string path, string problem, long? line)
    {
        var where = path.Length == 0 ? "(root)" : path;
        var at = line is null ? string.Empty : $" (line {line})";
        return $"{sourceName}: {where}: {problem}{at}";
    }
}
