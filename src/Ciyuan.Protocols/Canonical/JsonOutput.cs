using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// Writer settings shared by every encoder. Relaxed escaping keeps Chinese text and markup readable
/// and compact on the wire (both vendors' APIs send raw UTF-8); the output is JSON, never HTML.
/// </summary>
public static class JsonOutput
{
    public static JsonWriterOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer, state);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A node written compactly with the same settings.</summary>
    public static byte[] ToBytes(System.Text.Json.Nodes.JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Re-serialises an element compactly, so the same value always yields the same text.</summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
