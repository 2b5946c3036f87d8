using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// Typed reads from a parsed body that fail with a <see cref="TranslationException"/> naming the
/// JSON path, so a client learns which field to fix rather than that "the JSON was wrong".
/// A JSON <c>null</c> counts as absent, as both dialects' SDKs send explicit nulls.
/// </summary>
internal static class JsonRead
{
    /// <summary>Parses a whole body into a standalone element (no document to dispose).</summary>
    public static JsonElement ParseRoot(ReadOnlySpan<byte> json)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(json);
            root = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new TranslationException("$", "the body has trailing content after the JSON value");
            }
        }
        catch (JsonException e)
        {
            throw new TranslationException("$", $"the body is not valid JSON ({e.Message})", e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TranslationException("$", "the body must be a JSON object");
        }

        return root;
    }

    public static string Path(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static string RequiredString(JsonElement obj, string name, string parent) =>
        OptionalString(obj, name, parent) ?? throw new TranslationException(Path(parent, name), "is required");

    public static string? OptionalString(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? Text(value, Path(parent, name))
            : throw new TranslationException(Path(parent, name), "must be a string");
    }

    /// <summary>A string's text; a string that is not valid Unicode (an unpaired surrogate escape) is refused by path.</summary>
    public static string Text(JsonElement value, string path)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new TranslationException(path, "is not valid text (an unpaired surrogate escape)");
        }
    }

    public static int? OptionalInt(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new TranslationException(Path(parent, name), "must be an integer");
    }

    public static double? OptionalDouble(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw new TranslationException(Path(parent, name), "must be a finite number");
    }

    public static bool? OptionalBool(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TranslationException(Path(parent, name), "must be a boolean"),
        };
    }

    public static JsonElement? OptionalObject(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? value
            : throw new TranslationException(Path(parent, name), "must be an object");
    }

    public static JsonElement RequiredArray(JsonElement obj, string name, string parent) =>
        OptionalArray(obj, name, parent) ?? throw new TranslationException(Path(parent, name), "is required");

    public static JsonElement? OptionalArray(JsonElement obj, string name, string parent)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array
            ? value
            : throw new TranslationException(Path(parent, name), "must be an array");
    }

    public static void RequireObject(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new TranslationException(path, "must be an object");
        }
    }
}
