using System.Text;
using System.Text.Json;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// The members of a body's top-level object, found with one <see cref="Utf8JsonReader"/> pass and
/// no DOM. Request rules only touch top-level parameters, so this is all they need to rewrite a body
/// while copying every member they do not change byte for byte.
/// </summary>
internal sealed class TopLevelObject
{
    private TopLevelObject(int open, int close, List<JsonMember> members)
    {
        Open = open;
        Close = close;
        Members = members;
    }

    /// <summary>Offset just after the opening brace.</summary>
    public int Open { get; }

    /// <summary>Offset of the closing brace.</summary>
    public int Close { get; }

    public List<JsonMember> Members { get; }

    /// <summary>Null when the body is not one valid JSON object (the request scanner reports that; rules leave it alone).</summary>
    public static TopLevelObject? Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var open = (int)reader.BytesConsumed;
            var members = new List<JsonMember>(16);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // TokenStartIndex is the opening quote; an escaped name (rare) keeps its raw length and
                // simply never equals a rule's plain ASCII name.
                var nameStart = (int)reader.TokenStartIndex;
                var nameEnd = nameStart + 1 + reader.ValueSpan.Length;
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                reader.Skip();
                var valueEnd = (int)reader.BytesConsumed;
                members.Add(new JsonMember(new Range(nameStart + 1, nameEnd), new Range(nameStart, valueEnd), new Range(valueStart, valueEnd)));
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return null;
            }

            var close = (int)reader.TokenStartIndex;
            return reader.Read() ? null : new TopLevelObject(open, close, members);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Index of the member named <paramref name="name"/> (ASCII), or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> body, string name)
    {
        for (var i = 0; i < Members.Count; i++)
        {
            if (Ascii.Equals(body[Members[i].Name], name))
            {
                return i;
            }
        }

        return -1;
    }
}
