using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Hosting;
using Ciyuan.Http;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Providers;

namespace Ciyuan.Pipeline;

/// <summary>
/// The Anthropic front door, <c>POST /v1/messages</c>. Per deployment, one of two paths: passthrough
/// to an upstream with a native Anthropic endpoint (bytes forwarded with <c>model</c> patched), or
/// translation to the OpenAI dialect and back through the canonical model.
/// </summary>
internal sealed class AnthropicMessagesHandler(
    GatewayState state,
    RequestIntake intake,
    IProviderAdapter adapter,
    AnthropicPassthroughRelay passthrough,
    TranslatingRelay translating,
    RoutedDispatch dispatch,
    PromptTokens promptTokens,
    TokenCounter counter,
    RequestBudgets budgets)
{
    private static readonly string[] ForwardedHeaderNames = ["anthropic-version", "anthropic-beta"];

    public async Task HandleAsync(HttpContext context)
    {
        var result = await intake.ReadAsync(context, "messages").ConfigureAwait(false);
        if (result.Error is { } error)
        {
            await AnthropicErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        using var body = result.Body!;
        var request = result.Request!;
        var facts = result.Facts!;
        ChatRequest? canonical = null;
        using var upstreamBody = new PooledBufferWriter(body.Length + 64);
        var routeRequest = new RouteRequest
        {
            Alias = result.Alias!.Name,
            Door = Dialect.Anthropic,
            KeyPolicy = request.Key.Policy,
            RequestPolicy = request.RequestPolicy,
            PromptTokens = promptTokens.For(result.Alias, facts, body.Span, static bytes => AnthropicRequestCodec.Decode(bytes)),
            MaxOutputTokens = facts.RequestedMaxOutput,
            RequiredCapabilities = RequiredCapabilities.Of(body.Span),
            AffinityKey = PromptAffinity.KeyOf(body.Span, facts),
        };

        request.PromptCeiling = promptTokens.Ceiling(result.Alias, body.Span, exact: budgets.IsBudgeted(request), static bytes => AnthropicRequestCodec.Decode(bytes));

        var failed = await dispatch.RunAsync(context, request, routeRequest, async (candidate, apiKey, cancellationToken) =>
        {
            var native = HasAnthropicEndpoint(candidate);
            ReadOnlyMemory<byte> payload;
            long? inputTokens = null;

            // Set per attempt: a fallback to another deployment may drop other fields, or none.
            context.Response.Headers.Remove(CiyuanHeaders.DroppedFields);
            if (native)
            {
                upstreamBody.Clear();
                OpenAIRequestPatcher.Patch(body.Span, facts, candidate.UpstreamModel, forceIncludeUsage: false, upstreamBody);
                payload = upstreamBody.WrittenMemory;
            }
            else
            {
                try
                {
                    canonical ??= AnthropicRequestCodec.Decode(body.Span);
                    var dropped = new List<string>();
                    payload = OpenAIRequestCodec.Encode(canonical, TranslationOptions.For(candidate, state.ProfileOf(candidate)), dropped);
                    if (dropped.Count > 0)
                    {
                        context.Response.Headers[CiyuanHeaders.DroppedFields] = string.Join(", ", dropped.Distinct(StringComparer.Ordinal));
                    }

                    // message_start carries the prompt's size as Anthropic's does: the deployment's tokenizer count (exact where it ships).
                    inputTokens = facts.Stream ? TokenCounter.CountChat(counter.For(candidate), canonical) : null;
                }
                catch (TranslationException ex)
                {
                    await AnthropicErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", ex.Message).ConfigureAwait(false);
                    return RoutedDispatch.AttemptOutcome.Answered;
                }
            }

            var sent = await adapter.SendAsync(new UpstreamRequest
            {
                Deployment = candidate,
                Route = native ? "v1/messages" : "chat/completions",
                Body = payload,
                Stream = facts.Stream,
                RequestId = request.RequestId,
                ApiKey = apiKey,
                CallerSecret = System.Text.Encoding.UTF8.GetBytes(request.CallerSecret),
                Dialect = native ? Dialect.Anthropic : Dialect.OpenAI,
                ForwardedHeaders = native ? ForwardedHeaders(context.Request) : [],
            }, cancellationToken).ConfigureAwait(false);
            if (sent.Exchange is not { } exchange)
            {
                return RoutedDispatch.AttemptOutcome.Failed(sent.Failure!);
            }

            await using (exchange.ConfigureAwait(false))
            {
                return RoutedDispatch.AttemptOutcome.Of((native, facts.Stream) switch
                {
                    (true, true) => await passthrough.RelayStreamAsync(context, request, candidate, exchange).ConfigureAwait(false),
                    (true, false) => await passthrough.RelayJsonAsync(context, request, candidate, exchange).ConfigureAwait(false),
                    (false, true) => await translating.RelayStreamAsync(context, request, candidate, exchange, facts, TranslationPair.AnthropicFromOpenAI(() => state.ProfileOf(candidate), inputTokens)).ConfigureAwait(false),
                    (false, false) => await translating.RelayJsonAsync(context, request, candidate, exchange, TranslationPair.AnthropicFromOpenAI(() => state.ProfileOf(candidate))).ConfigureAwait(false),
                });
            }
        }).ConfigureAwait(false);

        if (failed is null)
        {
            return;
        }

        await AnthropicErrorWriter.WriteAsync(context, await dispatch.ErrorForAsync(context, request, failed).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Anthropic itself, and providers with a Messages endpoint (a vendor's <c>/anthropic</c> route), take the request as is.</summary>
    private static bool HasAnthropicEndpoint(DeploymentConfig deployment) =>
        ProviderEndpoints.For(deployment.Provider, Dialect.Anthropic) == UpstreamEndpoint.Messages;

    private static KeyValuePair<string, string>[] ForwardedHeaders(HttpRequest request)
    {
        var headers = new List<KeyValuePair<string, string>>(2);
        foreach (var name in ForwardedHeaderNames)
        {
            if (request.Headers[name] is { Count: > 0 } value)
            {
                headers.Add(new(name, value.ToString()));
            }
        }

        return [.. headers];
    }
}
