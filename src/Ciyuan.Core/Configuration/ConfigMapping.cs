using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Ciyuan.Core.Configuration;

/// <summary>
/// A YAML mapping read with its path, so every error names the field it is about
/// (<c>models[2].deployments[0].provider</c>). Keys never read are rejected by <see cref="RejectUnknownKeys"/>:
/// a typo in a config file must fail loudly rather than be ignored.
/// </summary>
internal sealed class ConfigMapping
{
    private readonly Dictionary<string, YamlNode> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public ConfigMapping(YamlMappingNode node, string path)
    {
        Path = path;
        foreach (var (key, value) in node.Children)
        {
            var name = key is YamlScalarNode scalar ? scalar.Value ?? string.Empty : string.Empty;
            if (!_entries.TryAdd(name, value))
            {
                throw new ConfigException(Join(name), "duplicate key");
            }
        }
    }

    public string Path { get; }

    public IEnumerable<string> Keys => _entries.Keys;

    public string Join(string key) => string.IsNullOrEmpty(Path) ? key : $"{Path}.{key}";

    public bool Has(string key)
    {
        _known.Add(key);
        return _entries.ContainsKey(key) && !IsNull(_entries[key]);
    }

    public string? OptionalString(string key)
    {
        _known.Add(key);
        if (!_entries.TryGetValue(key, out var node) || IsNull(node))
        {
            return null;
        }

        return node is YamlScalarNode scalar
            ? scalar.Value
            : throw new ConfigException(Join(key), "expected a text value");
    }

    public string RequiredString(string key) =>
        OptionalString(key) is { Length: > 0 } value ? value : throw new ConfigException(Join(key), "is required");

    public long? OptionalInteger(string key, long min, long max)
    {
        var text = OptionalString(key);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new ConfigException(Join(key), $"expected a whole number, got '{text}'");
        }

        return value < min || value > max
            ? throw new ConfigException(Join(key), $"must be between {min} and {max}, got {value}")
            : value;
    }

    public decimal? OptionalDecimal(string key, decimal min)
    {
        var text = OptionalString(key);
        if (text is null)
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new ConfigException(Join(key), $"expected a number, got '{text}'");
        }

        return value < min ? throw new ConfigException(Join(key), $"must be >= {min}, got {value}") : value;
    }

    public bool? OptionalBool(string key)
    {
        var text = OptionalString(key);
        return text switch
        {
            null => null,
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new ConfigException(Join(key), $"expected true or false, got '{text}'"),
        };
    }

    public ConfigMapping? OptionalMapping(string key)
    {
        _known.Add(key);
        if (!_entries.TryGetValue(key, out var node) || IsNull(node))
        {
            return null;
        }

        return node is YamlMappingNode mapping
            ? new ConfigMapping(mapping, Join(key))
            : throw new ConfigException(Join(key), "expected a mapping (key: value lines)");
    }

    public IReadOnlyList<ConfigMapping> MappingSequence(string key)
    {
        _known.Add(key);
        if (!_entries.TryGetValue(key, out var node) || IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw new ConfigException(Join(key), "expected a list");
        }

        var items = new List<ConfigMapping>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = $"{Join(key)}[{i}]";
            items.Add(sequence.Children[i] is YamlMappingNode mapping
                ? new ConfigMapping(mapping, path)
                : throw new ConfigException(path, "expected a mapping"));
        }

        return items;
    }

    public IReadOnlyList<string> StringSequence(string key)
    {
        _known.Add(key);
        if (!_entries.TryGetValue(key, out var node) || IsNull(node))
        {
            return [];
        }

        if (node is YamlScalarNode single)
        {
            return [single.Value ?? string.Empty];
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw new ConfigException(Join(key), "expected a list of text values");
        }

        return sequence.Children
            .Select((child, i) => child is YamlScalarNode scalar
                ? scalar.Value ?? string.Empty
                : throw new ConfigException($"{Join(key)}[{i}]", "expected a text value"))
            .ToArray();
    }

    /// <summary>Each entry of a mapping whose keys are names chosen by the user (e.g. providers).</summary>
    public IEnumerable<(string Name, ConfigMapping Value)> NamedMappings()
    {
        foreach (var (name, node) in _entries)
        {
            _known.Add(name);
            yield return (name, node is YamlMappingNode mapping
                ? new ConfigMapping(mapping, Join(name))
                : IsNull(node)
                    ? new ConfigMapping(new YamlMappingNode(), Join(name))
                    : throw new ConfigException(Join(name), "expected a mapping"));
        }
    }

    public IReadOnlyDictionary<string, string> StringMap()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in _entries)
        {
            _known.Add(name);
            map[name] = node is YamlScalarNode scalar
                ? scalar.Value ?? string.Empty
                : throw new ConfigException(Join(name), "expected a text value");
        }

        return map;
    }

    public void RejectUnknownKeys()
    {
        foreach (var key in _entries.Keys)
        {
            if (!_known.Contains(key))
            {
                var expected = string.Join(", ", _known.Order(StringComparer.Ordinal));
                throw new ConfigException(Join(key), $"unknown key; expected one of: {expected}");
            }
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };
}
