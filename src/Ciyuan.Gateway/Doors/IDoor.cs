using System.Buffers;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Canonical;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Doors;

/// <summary>
/// A front door is a codec, nothing more: how its requests are read into the facts and the
/// canonical model the pipeline works with, how answers and stream events are written for its
/// clients, and the shape of its errors. Everything between — admit, reserve, route, send, relay,
/// settle — is the pipeline's, written once for every door.
/// </summary>
internal interface IDoor
{
    DoorEndpoint Endpoint { get; }

    /// <summary>The dialect its clients speak; an upstream speaking it gets the client's own bytes.</summary>
    Dialect Dialect { get; }

    /// <summary>The route of the same call on an upstream that speaks <see cref="Dialect"/>, e.g. <c>chat/completions</c>.</summary>
    string UpstreamRoute { get; }

    /// <summary>Refuses what this door's API requires and the shared scan does not check (e.g. Messages' <c>max_tokens</c>).</summary>
    GatewayError? Check(RequestFacts facts);

    /// <summary>True when the answer is a stream.</summary>
    bool Streams(RequestFacts facts);

    /// <summary>Every field of the request that bounds what an upstream may generate.</summary>
    OutputLimits OutputLimitsOf(RequestFacts facts);

    /// <summary>The request in the canonical model (for translation and exact counting); a <see cref="TranslationException"/> names a field it cannot read.</summary>
    ChatRequest Decode(ReadOnlySpan<byte> body);

    /// <summary>Writes a translated answer's stream events for this door's clients.</summary>
    IStreamEncoder CreateStreamEncoder(TranslatedAnswer answer);

    /// <summary>A translated whole answer, for this door's clients.</summary>
    byte[] EncodeResponse(ChatResponse response, TranslatedAnswer answer);

    /// <summary>An error as a whole answer in this door's shape: its status and body.</summary>
    (int Status, byte[] Body) EncodeError(GatewayError error, string requestId);

    /// <summary>An error as the last event of a stream that already began.</summary>
    void WriteStreamError(IBufferWriter<byte> output, GatewayError error);
}
