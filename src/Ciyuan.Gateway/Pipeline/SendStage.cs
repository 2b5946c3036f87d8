using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Relay;
using Ciyuan.Gateway.State;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Requests;
using Ciyuan.Providers;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 6, send: the request as one deployment takes it, sent. An upstream that speaks the door's
/// dialect gets the client's own bytes with the fewest edits (<c>model</c>, the usage switch of a
/// stream, the vendor's parameter rules, reasoning it needs sent back); any other gets the request
/// translated through the canonical model. Comes back with the exchange and the codec its answer
/// is relayed with, the upstream's failure, or a refusal (what the target cannot express).
/// </summary>
internal sealed class SendStage(ReasoningReplayStore replay)
{
    private static readonly string[] ForwardedAnthropicHeaders = ["anthropic-version", "anthropic-beta"];

    /// <param name="traceParent">The W3C <c>traceparent</c> the upstream gets, when the request is traced or the client sent one.</param>
    public async Task<SendResult> SendAsync(GatewayContext context, DeploymentConfig deployment, string? apiKey, string? traceParent = null)
    {
        var door = context.Door;
        var upstream = ProviderEndpoints.DialectOf(ProviderEndpoints.For(deployment.Provider, door.Dialect));
        var profile = context.Snapshot.State.ProfileOf(deployment);

        // Set per attempt: a fallback to another deployment may drop other fields, or none.
        context.Client.RemoveHeader(CiyuanHeaders.DroppedFields);
        var prepared = upstream == door.Dialect ? Passthrough(context, deployment, profile) : Translate(context, deployment, profile, upstream);
        if (prepared.Refusal is { } refusal)
        {
            return new SendResult(null, null, null, refusal);
        }

        UpstreamResult sent;
        using (prepared.Buffer)
        {
            sent = await context.Snapshot.Adapter.SendAsync(new UpstreamRequest
            {
                Deployment = deployment,
                Route = prepared.Route,
                Body = prepared.Payload,
                Stream = context.Streams,
                RequestId = context.RequestId,
                ApiKey = apiKey,
                CallerSecret = System.Text.Encoding.UTF8.GetBytes(context.CallerSecret),
                Dialect = upstream,
                ForwardedHeaders = upstream == Dialect.Anthropic && door.Dialect == Dialect.Anthropic ? ForwardedHeaders(context.Client) : [],
                TraceParent = traceParent,
            }, context.Client.Aborted).ConfigureAwait(false);
        }

        // The body went out with the request; its buffer is back in the pool.
        return sent.Exchange is { } exchange
            ? new SendResult(exchange, prepared.Codec, null, null)
            : new SendResult(null, null, sent.Failure, null);
    }

    private Prepared Passthrough(GatewayContext context, DeploymentConfig deployment, ProviderProfile profile)
    {
        var door = context.Door;
        var facts = context.Facts;
        var patched = new PooledBufferWriter(context.Body.Length + 64);
        RequestPatcher.Patch(context.Body.Span, facts, deployment.UpstreamModel, forceIncludeUsage: context.Streams && door.Dialect == Dialect.OpenAI, patched,
            clearPreviousResponse: door.Dialect == Dialect.Responses);
        var payload = patched.WrittenMemory;
        if (door.Dialect == Dialect.Anthropic)
        {
            return new Prepared(door.UpstreamRoute, payload, new AnthropicPassthroughCodec(door), null, patched);
        }

        if (door.Dialect == Dialect.Responses)
        {
            // A continued conversation is already inlined in input (recall), so the upstream needs no stored state of its own.
            return new Prepared(door.UpstreamRoute, payload, new ResponsesPassthroughCodec(ResponsesDoor.AnswerIdOf(context.RequestId), PreviousResponseId(context)), null, patched);
        }

        // Vendor parameter rules: most requests pass untouched; a rule either rewrites (listed) or refuses, never silently mangles.
        var rules = RequestRules.Apply(profile, deployment.UpstreamModel, payload.Span, context.Streams);
        if (rules.Outcome == RuleOutcome.Rejected)
        {
            patched.Dispose();
            return Prepared.Refused(GatewayErrors.UnsupportedParameter(rules.Field!, rules.Message!, deployment.Provider.Name));
        }

        payload = rules.Body ?? payload;

        // Reasoning of earlier tool-call turns goes back to the vendor it came from, and only to it.
        payload = replay.Apply(deployment.Provider.Kind, profile, payload.Span) ?? payload;
        var capture = ReasoningCapture.For(profile, replay, deployment.Provider.Kind);
        return new Prepared(door.UpstreamRoute, payload, new OpenAIPassthroughCodec(door, profile, capture, facts.IncludeUsageRequested), null, patched);
    }

    private Prepared Translate(GatewayContext context, DeploymentConfig deployment, ProviderProfile profile, Dialect upstream)
    {
        var door = context.Door;
        if (door.Endpoint == DoorEndpoint.Embeddings)
        {
            return Prepared.Refused(GatewayErrors.UnsupportedByUpstream(
                $"provider '{deployment.Provider.Name}' speaks only the Anthropic Messages dialect, which has no embeddings"));
        }

        ChatRequest canonical;
        byte[] payload;
        var dropped = new List<string>();
        try
        {
            canonical = context.Canonical ??= door.Decode(context.Body.Span);
            payload = upstream == Dialect.OpenAI
                ? OpenAIRequestCodec.Encode(canonical, TranslationOptions.For(deployment, profile), dropped)
                : AnthropicRequestCodec.Encode(canonical, deployment.UpstreamModel, dropped);
        }
        catch (TranslationException ex)
        {
            return Prepared.Refused(GatewayErrors.UnsupportedByUpstream(ex.Message) with { Param = ex.Field });
        }

        if (dropped.Count > 0)
        {
            context.Client.SetHeader(CiyuanHeaders.DroppedFields, string.Join(", ", dropped.Distinct(StringComparer.Ordinal)));
        }

        // An Anthropic client's message_start carries the prompt's size, which an OpenAI-dialect upstream
        // reports only at the end: the deployment's tokenizer count (exact where it ships).
        long? inputTokens = context.Streams && door.Dialect == Dialect.Anthropic ? TokenCounter.CountChat(context.Snapshot.Tokens.For(deployment), canonical) : null;
        var answer = new TranslatedAnswer(context.RequestId, context.ModelAlias, context.ReceivedAt, canonical)
        {
            IncludeUsage = context.Facts.IncludeUsageRequested,
            InputTokens = inputTokens,
        };
        var encoder = door.CreateStreamEncoder(answer);
        var decoder = upstream == Dialect.OpenAI ? UpstreamDecoder.OpenAI(profile) : UpstreamDecoder.Anthropic();
        var route = upstream == Dialect.OpenAI ? "chat/completions" : "v1/messages";
        return new Prepared(route, payload, new TranslatingCodec(door, decoder, encoder, answer), null, null);
    }

    /// <summary>The <c>previous_response_id</c> the client sent (kept in the body recall rebuilt), for the answer to repeat.</summary>
    private static string? PreviousResponseId(GatewayContext context)
    {
        if (context.Facts.PreviousResponseIdValue is not { } value)
        {
            return null;
        }

        var reader = new System.Text.Json.Utf8JsonReader(context.Body.Span[value]);
        return reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
    }

    private static KeyValuePair<string, string>[] ForwardedHeaders(ClientExchange client)
    {
        var headers = new List<KeyValuePair<string, string>>(2);
        foreach (var name in ForwardedAnthropicHeaders)
        {
            if (client.RequestHeader(name) is { Length: > 0 } value)
            {
                headers.Add(new(name, value));
            }
        }

        return [.. headers];
    }

    /// <summary>The body for one deployment; <see cref="Buffer"/>, when set, holds it until it is sent.</summary>
    private sealed record Prepared(string Route, ReadOnlyMemory<byte> Payload, AnswerCodec? Codec, GatewayError? Refusal, PooledBufferWriter? Buffer)
    {
        public static Prepared Refused(GatewayError error) => new(string.Empty, default, null, error, null);
    }
}

/// <summary>What sending to one deployment came to: an exchange to relay (with its codec), the upstream's failure, or a refusal.</summary>
internal readonly record struct SendResult(UpstreamExchange? Exchange, AnswerCodec? Codec, ProviderFailure? Failure, GatewayError? Refusal);
