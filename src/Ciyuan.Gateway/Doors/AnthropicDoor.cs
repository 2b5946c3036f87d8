using System.Buffers;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Canonical;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Doors;

/// <summary>The Anthropic front door, <c>/v1/messages</c>.</summary>
internal sealed class AnthropicDoor : IDoor
{
    private AnthropicDoor(DoorEndpoint endpoint)
    {
        Endpoint = endpoint;
    }

    public static AnthropicDoor Messages { get; } = new(DoorEndpoint.Messages);

    /// <summary><c>/v1/messages/count_tokens</c>: a Messages body without <c>max_tokens</c>; nothing is sent upstream.</summary>
    public static AnthropicDoor CountTokens { get; } = new(DoorEndpoint.CountTokens);

    public DoorEndpoint Endpoint { get; }

    public Dialect Dialect => Dialect.Anthropic;

    public string UpstreamRoute => "v1/messages";

    public GatewayError? Check(RequestFacts facts) => Endpoint == DoorEndpoint.Messages && facts.MaxTokens is null
        ? GatewayErrors.InvalidRequest("max_tokens is required: the most tokens the answer may use (a Messages request must say).", RequestScanError.InvalidValue, "max_tokens")
        : null;

    public bool Streams(RequestFacts facts) => facts.Stream;

    public OutputLimits OutputLimitsOf(RequestFacts facts) =>
        new(facts.RequestedMaxOutput, facts.ThinkingBudget, facts.ReasoningMaxTokens, facts.Choices);

    public ChatRequest Decode(ReadOnlySpan<byte> body) => AnthropicRequestCodec.Decode(body);

    public IStreamEncoder CreateStreamEncoder(TranslatedAnswer answer) =>
        new AnthropicStreamEncoder("msg_" + answer.RequestId[4..], answer.Model) { InputTokens = answer.InputTokens };

    public byte[] EncodeResponse(ChatResponse response, TranslatedAnswer answer) =>
        AnthropicResponseCodec.Encode(response with { Id = "msg_" + answer.RequestId[4..] }, answer.Model);

    public (int Status, byte[] Body) EncodeError(GatewayError error, string requestId) =>
        (error.Shape.AnthropicStatus, Body(error, requestId));

    public void WriteStreamError(IBufferWriter<byte> output, GatewayError error) =>
        SseFrames.WriteEvent(output, "error"u8, Body(error, requestId: null));

    private static byte[] Body(GatewayError error, string? requestId) =>
        AnthropicErrors.Body(error.Shape.AnthropicStatus, error.Shape.AnthropicType, error.Message, requestId,
            error.Provider is { } provider ? new ProviderErrorFields(error.Code, provider, error.ProviderCode) : null);
}
