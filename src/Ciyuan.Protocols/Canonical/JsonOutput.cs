using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ciyuan.Core.Buffers;

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
        ArgumentNullException.ThrowIfNull(write);
        var scratch = Scratch.Take();
        write(scratch.Writer, state);
        var bytes = scratch.Finish().ToArray();
        scratch.GiveBack();
        return bytes;
    }

    /// <summary>A node written compactly with the same settings.</summary>
    public static byte[] ToBytes(System.Text.Json.Nodes.JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var scratch = Scratch.Take();
        node.WriteTo(scratch.Writer);
        var bytes = scratch.Finish().ToArray();
        scratch.GiveBack();
        return bytes;
    }

    /// <summary>Re-serialises an element compactly, so the same value always yields the same text.</summary>
    public static string Compact(JsonElement element)
    {
        var scratch = Scratch.Take();
        element.WriteTo(scratch.Writer);
        var text = System.Text.Encoding.UTF8.GetString(scratch.Finish());
        scratch.GiveBack();
        return text;
    }

    private sealed class Scratch
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);

        private Scratch()
        {
            Writer = new Utf8JsonWriter(_buffer, Options);
        }

        public Utf8JsonWriter Writer { get; }

        // One writer and buffer per thread, reused: every request encodes several bodies, and a new
        // writer and growing buffer each time were a large share of a request's garbage.
        public static Scratch Take()
        {
            var scratch = ThreadScratch.TryTake<Scratch>() ?? new Scratch();
            scratch._buffer.ResetWrittenCount();
            scratch.Writer.Reset(scratch._buffer);
            return scratch;
        }

        public ReadOnlySpan<byte> Finish()
        {
            Writer.Flush();
            return _buffer.WrittenSpan;
        }

        public void GiveBack()
        {
            if (_buffer.Capacity <= ScratchBuffer.LargestKept)
            {
                ThreadScratch.GiveBack(this);
            }
        }
    }
}
