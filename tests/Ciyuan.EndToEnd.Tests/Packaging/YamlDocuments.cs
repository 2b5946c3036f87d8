using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>Every document of a YAML file (a Kubernetes manifest holds several), and paths into them.</summary>
internal static class YamlDocuments
{
    public static IReadOnlyList<YamlMappingNode> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    /// <summary>The node at <paramref name="path"/> (mapping keys, or indexes into sequences), or null.</summary>
    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var step in path)
        {
            current = current switch
            {
                YamlMappingNode mapping => mapping.Children.TryGetValue(new YamlScalarNode(step), out var child) ? child : null,
                YamlSequenceNode sequence when int.TryParse(step, CultureInfo.InvariantCulture, out var i) && i < sequence.Children.Count => sequence.Children[i],
                _ => null,
            };
        }

        return current;
    }

    /// <summary>The scalar at <paramref name="path"/>; fails the test naming the path if there is none.</summary>
    public static string Scalar(this YamlNode node, params string[] path) =>
        node.At(path) is YamlScalarNode { Value: { } value } ? value : throw new InvalidOperationException($"no scalar at {string.Join('.', path)}");

    public static int Int(this YamlNode node, params string[] path) => int.Parse(node.Scalar(path), CultureInfo.InvariantCulture);

    public static IEnumerable<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children : [];
}
