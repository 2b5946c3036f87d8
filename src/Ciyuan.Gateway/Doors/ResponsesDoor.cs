using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Responses;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Requests;
using Ciyuan.Protocols.Responses;

namespace Ciyuan.Gateway.Doors;

/// <summary>
/// The OpenAI Responses front door, <c>/v1/responses</c>: passed through to upstreams that serve
/// Responses, translated for every other (docs/dialects.md, "OpenAI Responses"). Its answers can be
/// kept and continued (<see cref="IConversationDoor"/>). Errors are OpenAI's; a stream that fails
/// ends with <c>response.failed</c>.
/// </summary>
internal sealed class ResponsesDoor : IConversationDoor
{
    private ResponsesDoor(DoorEndpoint endpoint)
    {
        Endpoint = endpoint;
    }

    public static ResponsesDoor Responses { get; } = new(DoorEndpoint.Responses);

    /// <summary><c>/v1/responses/input_tokens</c>: a Responses body, counted; nothing is sent upstream.</summary>
    public static ResponsesDoor InputTokens { get; } = new(DoorEndpoint.InputTokens);

    public DoorEndpoint Endpoint { get; }

    public Dialect Dialect => Dialect.Responses;

    public string UpstreamRoute => "responses";

    public GatewayError? Check(RequestFacts facts) => null;

    public bool Streams(RequestFacts facts) => Endpoint == DoorEndpoint.Responses && facts.Stream;

    /// <summary>
    /// <c>max_output_tokens</c> bounds the whole answer, reasoning included (OpenAI counts reasoning in
    /// output tokens); <c>reasoning.effort</c> and <c>reasoning.summary</c> add nothing to it. A
    /// <c>reasoning.max_tokens</c> (OpenRouter's) is added on top, as for every door.
    /// </summary>
    public OutputLimits OutputLimitsOf(RequestFacts facts) =>
        new(facts.RequestedMaxOutput, facts.ThinkingBudget, facts.ReasoningMaxTokens, facts.Choices);

    public ChatRequest Decode(ReadOnlySpan<byte> body) => ResponsesRequestCodec.Decode(body);

    public IStreamEncoder CreateStreamEncoder(TranslatedAnswer answer) =>
        new ResponsesStreamEncoder(AnswerIdOf(answer.RequestId), answer.Model, answer.ReceivedAt.ToUnixTimeSeconds(), answer.Request);

    public byte[] EncodeResponse(ChatResponse response, TranslatedAnswer answer) =>
        ResponsesResponseCodec.Encode(response, answer.Request, AnswerIdOf(answer.RequestId), answer.Model, answer.ReceivedAt.ToUnixTimeSeconds());

    public (int Status, byte[] Body) EncodeError(GatewayError error, string requestId) =>
        (error.Shape.Status, OpenAIErrors.Body(error.Message, error.Shape.OpenAIType, error.Code, error.Param, error.Provider, error.ProviderCode));

    /// <summary>An <c>error</c> event, for a codec that has no response to fail (the Responses codecs write <c>response.failed</c> themselves).</summary>
    public void WriteStreamError(IBufferWriter<byte> output, GatewayError error) =>
        SseFrames.WriteEvent(output, "error"u8, JsonOutput.Write(error, static (json, e) =>
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteString("code", e.Code);
            json.WriteString("message", e.Message);
            json.WriteNull("param");
            json.WriteEndObject();
        }));

    public ConversationRequest ReadConversation(ReadOnlySpan<byte> body) => ResponsesConversation.Read(body);

    public IReadOnlyList<string> History(ConversationChain chain) => ResponsesConversation.History(chain);

    public byte[] Continue(ReadOnlySpan<byte> body, IReadOnlyList<string> history, IReadOnlyList<string> input) =>
        ResponsesConversation.Continue(body, history, input);

    public IReadOnlyList<StoredItem> Identify(IReadOnlyList<string> items, string answerId) => ResponsesConversation.Identify(items, answerId);

    public string? AnswerId(ReadOnlySpan<byte> answer)
    {
        var reader = new Utf8JsonReader(answer);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not an answer we can name; it is not kept.
        }

        return null;
    }

    /// <summary>A translated answer's id: the request id's time-ordered part, as OpenAI's <c>resp_</c> ids.</summary>
    public static string AnswerIdOf(string requestId) => "resp_" + requestId[4..];
}
