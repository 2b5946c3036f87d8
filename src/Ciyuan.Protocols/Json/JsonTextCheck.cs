using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Ciyuan.Protocols.Json;

/// <summary>
/// Finds text in a JSON body that no upstream can read as Unicode: bytes that are not UTF-8, or an
/// escaped surrogate (<c>\ud800</c>) without its pair. <see cref="Utf8JsonReader"/> accepts both
/// until a string is decoded, so without this check the failure surfaced deep in routing or
/// translation. The common body is cleared by two vectorised searches; only a suspect one is
/// walked token by token, to name the field.
/// </summary>
public static class JsonTextCheck
{
    /// <summary>Null when every string is valid text; otherwise the JSON path of the first bad one (<c>$</c> for the body).</summary>
    public static string? FindInvalidText(ReadOnlySpan<byte> json)
    {
        var rawValid = Utf8.IsValid(json);
        if (rawValid && json.IndexOf("\\ud"u8) < 0 && json.IndexOf("\\uD"u8) < 0)
        {
            return null;
        }

        return Locate(json) ?? (rawValid ? null : "$");
    }

    private static string? Locate(ReadOnlySpan<byte> json)
    {
        var path = new List<object>(8);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!IsText(ref reader))
                        {
                            return Render(path, "(a member name)");
                        }

                        SetLast(path, reader.GetString()!);
                        break;
                    case JsonTokenType.String:
                        Advance(path);
                        if (!IsText(ref reader))
                        {
                            return Render(path, null);
                        }

                        break;
                    case JsonTokenType.StartObject:
                        Advance(path);
                        path.Add(string.Empty);
                        break;
                    case JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(-1);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    default:
                        Advance(path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is reported by the scanner with its position.
        }

        return null;
    }

    private static bool IsText(ref Utf8JsonReader reader)
    {
        // The reader runs over one span, so a value never spans segments.
        if (!Utf8.IsValid(reader.ValueSpan))
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            return true;
        }

        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>An array element moves the index on; a member's value keeps its name.</summary>
    private static void Advance(List<object> path)
    {
        if (path.Count > 0 && path[^1] is int index)
        {
            path[^1] = index + 1;
        }
    }

    private static void SetLast(List<object> path, string name)
    {
        if (path.Count > 0)
        {
            path[^1] = name;
        }
    }

    private static string Render(List<object> path, string? suffix)
    {
        var text = new StringBuilder();
        foreach (var part in path)
        {
            if (part is int index)
            {
                text.Append('[').Append(index).Append(']');
            }
            else if (part is string { Length: > 0 } name)
            {
                if (text.Length > 0)
                {
                    text.Append('.');
                }

                text.Append(name);
            }
        }

        if (suffix is not null)
        {
            text.Append(text.Length > 0 ? " " : string.Empty).Append(suffix);
        }

        return text.Length == 0 ? "$" : text.ToString();
    }
}
