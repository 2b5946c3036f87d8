using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ciyuan.Protocols.Tests.Canonical;

/// <summary>
/// Golden files under <c>Golden/</c>, copied next to the test binary. Set
/// <c>CIYUAN_UPDATE_GOLDEN=1</c> to rewrite expected files in the source tree instead of
/// comparing — then review the diff like any other change.
/// </summary>
internal static class Golden
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static bool Updating => Environment.GetEnvironmentVariable("CIYUAN_UPDATE_GOLDEN") == "1";

    public static string OutputRoot => Path.Combine(AppContext.BaseDirectory, "Golden");

    public static byte[] ReadBytes(string relative) => File.ReadAllBytes(Path.Combine(OutputRoot, relative));

    public static string ReadText(string relative) => File.ReadAllText(Path.Combine(OutputRoot, relative));

    /// <summary>File names (relative to <c>Golden/</c>) in a folder ending with <paramref name="suffix"/>, for theory data.</summary>
    public static TheoryData<string> Cases(string folder, string suffix)
    {
        var data = new TheoryData<string>();
        var directory = Path.Combine(OutputRoot, folder);
        foreach (var file in Directory.GetFiles(directory, "*" + suffix).Order(StringComparer.Ordinal))
        {
            data.Add(Path.Combine(folder, Path.GetFileName(file)[..^suffix.Length]));
        }

        return data;
    }

    /// <summary>Compares JSON by structure and member order (indented on disk for review).</summary>
    public static void AssertJson(string relative, ReadOnlySpan<byte> actualJson)
    {
        var actual = Pretty(actualJson);
        AssertText(relative, actual);
    }

    public static string Pretty(ReadOnlySpan<byte> json) => JsonNode.Parse(json)!.ToJsonString(Indented) + "\n";

    /// <summary>Byte-exact comparison (SSE, error messages).</summary>
    public static void AssertText(string relative, string actual)
    {
        if (Updating)
        {
            var target = Path.Combine(SourceRoot(), relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, actual, new UTF8Encoding(false));
            return;
        }

        var path = Path.Combine(OutputRoot, relative);
        Assert.True(File.Exists(path), $"missing golden file {relative}; run with CIYUAN_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string SourceRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Golden"));
}
