using System.Text.Json;

namespace Ciyuan.Tokenizers.Tests;

/// <summary>Reads the test data copied next to the test assembly.</summary>
internal static class TestData
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    public static IReadOnlyList<ReferenceVector> Vectors { get; } = LoadVectors();

    private static List<ReferenceVector> LoadVectors()
    {
        var list = new List<ReferenceVector>();
        foreach (var line in File.ReadLines(PathOf("vectors.jsonl")))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            list.Add(new ReferenceVector(
                root.GetProperty("family").GetString()!,
                root.GetProperty("text").GetString()!,
                root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                root.GetProperty("tag").GetString()!));
        }

        return list;
    }
}

internal sealed record ReferenceVector(string Family, string Text, int[] Ids, string Tag);
