using System.Buffers;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>Canonical stream events → one dialect's SSE bytes; one instance per response.</summary>
public interface IStreamEncoder
{
    void Write(StreamEvent e, IBufferWriter<byte> output);

    /// <summary>Ends the stream (its final events, or an error when it never finished).</summary>
    void Complete(IBufferWriter<byte> output);
}
