using System.Buffers;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Canonical;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Doors;

/// <summary>The OpenAI front doors: <c>/v1/chat/completions</c> and <c>/v1/embeddings</c>.</summary>
internal sealed class OpenAIDoor : IDoor
{
    private OpenAIDoor(DoorEndpoint endpoint, string upstreamRoute)
    {
        Endpoint = endpoint;
        UpstreamRoute = upstreamRoute;
    }

    public static OpenAIDoor Chat { get; } = new(DoorEndpoint.Chat, "chat/completions");

    public static OpenAIDoor Embeddings { get; } = new(DoorEndpoint.Embeddings, "embeddings");

    /// <summary><c>/v1/tokenize</c>: OpenAI-shaped errors; nothing is sent upstream.</summary>
    public static OpenAIDoor Tokenize { get; } = new(DoorEndpoint.Tokenize, "tokenize");

    public DoorEndpoint Endpoint { get; }

    public Dialect Dialect => Dialect.OpenAI;

    public string UpstreamRoute { get; }

    public GatewayError? Check(RequestFacts facts) => null;

    public bool Streams(RequestFacts facts) => Endpoint == DoorEndpoint.Chat && facts.Stream;

    public OutputLimits OutputLimitsOf(RequestFacts facts) => Endpoint != DoorEndpoint.Chat
        ? OutputLimits.None
        : new OutputLimits(facts.RequestedMaxOutput, facts.ThinkingBudget, facts.ReasoningMaxTokens, facts.Choices);

    public ChatRequest Decode(ReadOnlySpan<byte> body) => OpenAIRequestCodec.Decode(body);

    public IStreamEncoder CreateStreamEncoder(TranslatedAnswer answer) =>
        new OpenAIStreamEncoder("chatcmpl-" + answer.RequestId[4..], answer.Model, answer.IncludeUsage);

    public byte[] EncodeResponse(ChatResponse response, TranslatedAnswer answer) =>
        OpenAIResponseCodec.Encode(response with { Id = "chatcmpl-" + answer.RequestId[4..] }, answer.Model);

    public (int Status, byte[] Body) EncodeError(GatewayError error, string requestId) =>
        (error.Shape.Status, Body(error));

    public void WriteStreamError(IBufferWriter<byte> output, GatewayError error) => SseFrames.WriteData(output, Body(error));

    private static byte[] Body(GatewayError error) =>
        OpenAIErrors.Body(error.Message, error.Shape.OpenAIType, error.Code, error.Param, error.Provider, error.ProviderCode);
}
