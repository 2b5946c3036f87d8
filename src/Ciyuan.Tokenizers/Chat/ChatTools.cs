using System.Text.Json;

namespace Ciyuan.Tokenizers.Chat;

/// <summary>Reads the optional tool-definition array of a chat request.</summary>
internal static class ChatTools
{
    public static IReadOnlyList<JsonElement> Parse(string? toolsJson)
    {
        if (string.IsNullOrWhiteSpace(toolsJson) || !PythonJson.TryParse(toolsJson, out var document))
        {
            return [];
        }

        using (document)
        {
            var root = document!.RootElement;
            return root.ValueKind == JsonValueKind.Array
                ? root.EnumerateArray().Select(e => e.Clone()).ToList()
                : [];
        }
    }
}
