using System.Text.Json;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// A custom (freeform) tool's raw text as function arguments for dialects that only have functions:
/// <c>{"input": "…"}</c>, the one argument of the function the tool is declared as.
/// </summary>
public static class FreeformInput
{
    public const string Argument = "input";

    public static string ToArguments(string text) =>
        System.Text.Encoding.UTF8.GetString(JsonOutput.Write(text, static (json, value) =>
        {
            json.WriteStartObject();
            json.WriteString(Argument, value);
            json.WriteEndObject();
        }));

    /// <summary>The raw text back from a call's arguments; arguments of another shape are passed on as they are.</summary>
    public static string FromArguments(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(Argument, out var input) && input.ValueKind == JsonValueKind.String)
            {
                return input.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the model wrote the raw text itself.
        }

        return arguments;
    }

    /// <summary>The schema of a function declared without parameters.</summary>
    public static JsonElement EmptyObjectSchema { get; } = Parse("""{"type":"object","properties":{}}"""u8);

    /// <summary>The schema of the function a custom tool becomes.</summary>
    public static JsonElement Schema(string? formatDescription)
    {
        var bytes = JsonOutput.Write(formatDescription, static (json, description) =>
        {
            json.WriteStartObject();
            json.WriteString("type", "object");
            json.WriteStartObject("properties");
            json.WriteStartObject(Argument);
            json.WriteString("type", "string");
            json.WriteString("description", description ?? "The tool's input, as raw text.");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("required");
            json.WriteStringValue(Argument);
            json.WriteEndArray();
            json.WriteBoolean("additionalProperties", false);
            json.WriteEndObject();
        });
        return Parse(bytes);
    }

    private static JsonElement Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }
}
