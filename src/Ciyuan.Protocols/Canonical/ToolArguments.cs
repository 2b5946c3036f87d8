using System.Text.Json;

namespace Ciyuan.Protocols.Canonical;

/// <summary>Tool arguments travel as JSON text in OpenAI and as a JSON object in Anthropic.</summary>
internal static class ToolArguments
{
    /// <summary>
    /// Writes arguments as an object. Text that is not a JSON object (a truncated call, or the empty
    /// string some vendors send for argument-less tools) becomes <c>{}</c> rather than an error:
    /// rejecting it would make every later turn of that conversation fail.
    /// </summary>
    public static void WriteAsObject(Utf8JsonWriter writer, string argumentsJson)
    {
        if (TryParseObject(argumentsJson, out var element))
        {
            element.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    private static bool TryParseObject(string text, out JsonElement element)
    {
        element = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
            element = JsonElement.ParseValue(ref reader);
            return element.ValueKind == JsonValueKind.Object && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
