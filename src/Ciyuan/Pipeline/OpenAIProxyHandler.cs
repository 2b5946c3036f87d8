using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Routing;
using Ciyuan.Hosting;
using Ciyuan.Http;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Providers;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Pipeline;

/// <summary>
/// The OpenAI front door for chat completions and embeddings when the upstream speaks the same
/// dialect: authenticate, read and scan the body once, resolve the alias, patch the body in place,
/// dispatch with ordered fallback before the first byte, then relay and meter.
/// </summary>
internal sealed class OpenAIProxyHandler(
    GatewayState state,
    ReasoningReplayStore replay,
    RequestIntake intake,
    IProviderAdapter adapter,
    JsonRelay jsonRelay,
    StreamRelay streamRelay,
    TranslatingRelay translating,
    RoutedDispatch dispatch,
    PromptTokens promptTokens,
    RequestBudgets budgets)
{
    public Task HandleChatAsync(HttpContext context) => HandleAsync(context, "chat", "chat/completions");

    public Task HandleEmbeddingsAsync(HttpContext context) => HandleAsync(context, "embeddings", "embeddings");

    private async Task HandleAsync(HttpContext context, string endpoint, string route)
    {
        var result = await intake.ReadAsync(context, endpoint).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            await OpenAIErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        using var body = result.Body!;
        var stream = endpoint == "chat" && result.Facts!.Stream;
        await DispatchAsync(context, result.Request!, result.Alias!, body, result.Facts!, route, stream).ConfigureAwait(false);
    }

    private async Task DispatchAsync(HttpContext context, RequestContext request, ModelAliasConfig alias, RequestBody body, OpenAIRequestFacts facts, string route, bool stream)
    {
        using var patched = new PooledBufferWriter(body.Length + 64);
        ChatRequest? canonical = null;
        var routeRequest = new RouteRequest
        {
            Alias = alias.Name,
            KeyPolicy = request.Key.Policy,
            RequestPolicy = request.RequestPolicy,
            PromptTokens = promptTokens.For(alias, facts, body.Span, static bytes => OpenAIRequestCodec.Decode(bytes)),
            MaxOutputTokens = facts.RequestedMaxOutput,
            RequiredCapabilities = RequiredCapabilities.Of(body.Span),
            AffinityKey = PromptAffinity.KeyOf(body.Span, facts),
        };

        request.PromptCeiling = promptTokens.Ceiling(alias, body.Span, exact: budgets.IsBudgeted(request), static bytes => OpenAIRequestCodec.Decode(bytes));

        var failed = await dispatch.RunAsync(context, request, routeRequest, async (candidate, apiKey, cancellationToken) =>
        {
            // An Anthropic-only upstream gets the request translated; every other one gets the client's own bytes, patched.
            var translate = candidate.Provider.Kind == ProviderKinds.Anthropic && route == "chat/completions";
            ReadOnlyMemory<byte> payload;
            if (translate)
            {
                try
                {
                    canonical ??= OpenAIRequestCodec.Decode(body.Span);
                    payload = AnthropicRequestCodec.Encode(canonical, candidate.UpstreamModel);
                }
                catch (TranslationException ex)
                {
                    await OpenAIErrorWriter.WriteAsync(context, OpenAIError.InvalidRequest(ex.Message, "unsupported_by_upstream")).ConfigureAwait(false);
                    return RoutedDispatch.AttemptOutcome.Answered;
                }
            }
            else
            {
                patched.Clear();
                OpenAIRequestPatcher.Patch(body.Span, facts, candidate.UpstreamModel, forceIncludeUsage: stream, patched);
                payload = patched.WrittenMemory;

                // Vendor parameter rules: most requests pass untouched; a rule either rewrites (listed) or refuses, never silently mangles.
                var rules = RequestRules.Apply(state.ProfileOf(candidate), candidate.UpstreamModel, payload.Span, stream);
                if (rules.Outcome == RuleOutcome.Rejected)
                {
                    await OpenAIErrorWriter.WriteAsync(context, OpenAIError.InvalidRequest(
                        $"{rules.Field}: {rules.Message} (provider '{candidate.Provider.Name}')", "unsupported_parameter", rules.Field)).ConfigureAwait(false);
                    return RoutedDispatch.AttemptOutcome.Answered;
                }

                if (rules.Body is { } rewritten)
                {
                    payload = rewritten;
                }

                // Reasoning of earlier tool-call turns goes back to the vendor it came from, and only to it.
                if (replay.Apply(candidate.Provider.Kind, state.ProfileOf(candidate), payload.Span) is { } replayed)
                {
                    payload = replayed;
                }
            }

            var sent = await adapter.SendAsync(new UpstreamRequest
            {
                Deployment = candidate,
                Route = translate ? "v1/messages" : route,
                Body = payload,
                Stream = stream,
                RequestId = request.RequestId,
                ApiKey = apiKey,
                CallerSecret = System.Text.Encoding.UTF8.GetBytes(request.CallerSecret),
                Dialect = translate ? Dialect.Anthropic : Dialect.OpenAI,
            }, cancellationToken).ConfigureAwait(false);
            if (sent.Exchange is not { } exchange)
            {
                return RoutedDispatch.AttemptOutcome.Failed(sent.Failure!);
            }

            await using (exchange.ConfigureAwait(false))
            {
                return RoutedDispatch.AttemptOutcome.Of((translate, stream) switch
                {
                    (false, true) => await streamRelay.RelayAsync(context, request, candidate, exchange, facts).ConfigureAwait(false),
                    (false, false) => await jsonRelay.RelayAsync(context, request, candidate, exchange).ConfigureAwait(false),
                    (true, true) => await translating.RelayStreamAsync(context, request, candidate, exchange, facts, TranslationPair.OpenAIFromAnthropic).ConfigureAwait(false),
                    (true, false) => await translating.RelayJsonAsync(context, request, candidate, exchange, TranslationPair.OpenAIFromAnthropic).ConfigureAwait(false),
                });
            }
        }).ConfigureAwait(false);

        if (failed is null)
        {
            return;
        }

        await OpenAIErrorWriter.WriteAsync(context, await dispatch.ErrorForAsync(context, request, failed).ConfigureAwait(false), failed.Deployment?.Provider.Name).ConfigureAwait(false);
    }
}
