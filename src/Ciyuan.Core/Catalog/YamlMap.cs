using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Ciyuan.Core.Catalog;

/// <summary>
/// A YAML mapping that knows its own path, so every error can name where it is
/// (<c>models[3].price.tiers[0].output</c>), and remembers which keys were read, so that
/// <see cref="RejectUnknownKeys"/> can refuse typos instead of silently ignoring them.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlMap(YamlMappingNode node, string path, string sourceName)
    {
        _node = node;
        Path = path;
        SourceName = sourceName;
    }

    public string Path { get; }

    public string SourceName { get; }

    public static YamlMap From(YamlNode node, string path, string sourceName) =>
        node is YamlMappingNode mapping
            ? new YamlMap(mapping, path, sourceName)
            : throw Error(sourceName, path, node, "must be a mapping");

    public string ChildPath(string key) => Path.Length == 0 ? key : Path + "." + key;

    public CatalogException Fail(string key, string problem) => Error(SourceName, ChildPath(key), Find(key) ?? _node, problem);

    public string RequiredString(string key) => OptionalString(key) ?? throw Fail(key, "is required");

    public string? OptionalString(string key)
    {
        var scalar = Scalar(key);
        if (scalar is null)
        {
            return null;
        }

        var value = scalar.Value!;
        if (value.Any(char.IsControl))
        {
            throw Fail(key, "must not contain control characters");
        }

        return value;
    }

    public decimal RequiredDecimal(string key) => OptionalDecimal(key) ?? throw Fail(key, "is required");

    public decimal? OptionalDecimal(string key)
    {
        var text = ScalarText(key);
        if (text is null)
        {
            return null;
        }

        // Decimal, not double: a price like 0.003 must stay exactly 0.003 for the ledger to add up.
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Fail(key, $"'{text}' is not a number");
    }

    public long? OptionalLong(string key)
    {
        var text = ScalarText(key);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Fail(key, $"'{text}' is not a whole number");
    }

    public bool? OptionalBool(string key)
    {
        var text = ScalarText(key);
        return text switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw Fail(key, $"'{text}' must be true or false"),
        };
    }

    public DateOnly RequiredDate(string key) => OptionalDate(key) ?? throw Fail(key, "is required");

    public DateOnly? OptionalDate(string key)
    {
        var text = ScalarText(key);
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : throw Fail(key, $"'{text}' must be a date written yyyy-MM-dd");
    }

    public YamlMap? OptionalMap(string key)
    {
        var node = Read(key);
        return node is null || IsNull(node) ? null : From(node, ChildPath(key), SourceName);
    }

    /// <summary>The items of a sequence of mappings; null or absent gives an empty list.</summary>
    public IReadOnlyList<YamlMap> MapList(string key)
    {
        var sequence = Sequence(key);
        var maps = new List<YamlMap>(sequence.Count);
        for (var i = 0; i < sequence.Count; i++)
        {
            maps.Add(From(sequence[i], $"{ChildPath(key)}[{i}]", SourceName));
        }

        return maps;
    }

    /// <summary>The items of a sequence of scalars; null or absent gives an empty list.</summary>
    public IReadOnlyList<string> StringList(string key)
    {
        var sequence = Sequence(key);
        var values = new List<string>(sequence.Count);
        for (var i = 0; i < sequence.Count; i++)
        {
            if (sequence[i] is not YamlScalarNode scalar || IsNull(scalar))
            {
                throw Error(SourceName, $"{ChildPath(key)}[{i}]", sequence[i], "must be a plain value");
            }

            values.Add(scalar.Value!);
        }

        return values;
    }

    /// <summary>Fails on the first key that no accessor asked for: a typo must not silently drop a fact.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var key in _node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!_read.Contains(name))
            {
                throw Error(SourceName, ChildPath(name), key, "unknown key");
            }
        }
    }

    private static CatalogException Error(string sourceName, string path, YamlNode node, string problem) =>
        new(sourceName, path, problem, node.Start.Line > 0 ? node.Start.Line : null);

    // YAML's own spellings of null; an empty plain value counts too.
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private YamlNode? Find(string key) =>
        _node.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private YamlNode? Read(string key)
    {
        _read.Add(key);
        return Find(key);
    }

    private YamlScalarNode? Scalar(string key)
    {
        var node = Read(key);
        if (node is null || IsNull(node))
        {
            return null;
        }

        return node as YamlScalarNode ?? throw Fail(key, "must be a plain value");
    }

    private string? ScalarText(string key) => Scalar(key)?.Value;

    private IList<YamlNode> Sequence(string key)
    {
        var node = Read(key);
        if (node is null || IsNull(node))
        {
            return [];
        }

        return (node as YamlSequenceNode)?.Children ?? throw Fail(key, "must be a list");
    }
}
