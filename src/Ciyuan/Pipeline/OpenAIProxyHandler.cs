using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Http;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Providers;

namespace Ciyuan.Pipeline;

/// <summary>
/// The OpenAI front door for chat completions and embeddings when the upstream speaks the same
/// dialect: authenticate, read and scan the body once, resolve the alias, patch the body in place,
/// dispatch with ordered fallback before the first byte, then relay and meter.
/// </summary>
internal sealed partial class OpenAIProxyHandler(
    GatewayState state,
    ClientAuthenticator authenticator,
    IProviderAdapter adapter,
    JsonRelay jsonRelay,
    StreamRelay streamRelay,
    IUsageLedger ledger,
    ILogger<OpenAIProxyHandler> logger)
{
    public Task HandleChatAsync(HttpContext context) => HandleAsync(context, "chat", "chat/completions");

    public Task HandleEmbeddingsAsync(HttpContext context) => HandleAsync(context, "embeddings", "embeddings");

    private async Task HandleAsync(HttpContext context, string endpoint, string route)
    {
        var requestId = RequestIds.New();
        context.Response.Headers[CiyuanHeaders.RequestId] = requestId;

        var key = authenticator.Authenticate(context.Request, out var authError);
        if (key is null)
        {
            await OpenAIErrorWriter.WriteAsync(context, OpenAIError.Unauthorized(authError!)).ConfigureAwait(false);
            return;
        }

        if (!IsJson(context.Request.ContentType))
        {
            await OpenAIErrorWriter.WriteAsync(context, new OpenAIError(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type must be application/json (got '{context.Request.ContentType ?? "none"}').",
                "invalid_request_error", "unsupported_media_type")).ConfigureAwait(false);
            return;
        }

        var (body, bodyError) = await RequestBody.ReadAsync(context, state.Config.Server.MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            await OpenAIErrorWriter.WriteAsync(context, bodyError!).ConfigureAwait(false);
            return;
        }

        using (body)
        {
            var facts = OpenAIRequestScanner.Scan(body.Span, out var jsonError);
            if (facts is null)
            {
                await OpenAIErrorWriter.WriteAsync(context, OpenAIError.InvalidRequest(jsonError!, "invalid_json")).ConfigureAwait(false);
                return;
            }

            if (string.IsNullOrEmpty(facts.Model))
            {
                await OpenAIErrorWriter.WriteAsync(context, OpenAIError.InvalidRequest(
                    "The request has no 'model'. Name one of the models GET /v1/models lists.", "missing_model", "model")).ConfigureAwait(false);
                return;
            }

            if (!state.Aliases.TryGetValue(facts.Model, out var alias))
            {
                await OpenAIErrorWriter.WriteAsync(context, OpenAIError.ModelNotFound(facts.Model)).ConfigureAwait(false);
                return;
            }

            var runId = context.Request.Headers[CiyuanHeaders.Run].ToString();
            var request = new RequestContext(requestId, key, endpoint, alias.Name, runId.Length == 0 ? null : runId);
            var stream = endpoint == "chat" && facts.Stream;
            await DispatchAsync(context, request, alias, body, facts, route, stream).ConfigureAwait(false);
        }
    }

    private async Task DispatchAsync(HttpContext context, RequestContext request, ModelAliasConfig alias, RequestBody body, OpenAIRequestFacts facts, string route, bool stream)
    {
        using var patched = new PooledBufferWriter(body.Length + 64);
        ProviderFailure? failure = null;
        DeploymentConfig deployment = alias.Deployments[0];
        foreach (var candidate in alias.Deployments)
        {
            deployment = candidate;
            request.Attempts++;
            patched.Clear();
            OpenAIRequestPatcher.Patch(body.Span, facts, candidate.UpstreamModel, forceIncludeUsage: stream, patched);
            var upstream = new UpstreamRequest
            {
                Deployment = candidate,
                Route = route,
                Body = patched.WrittenMemory,
                Stream = stream,
                RequestId = request.RequestId,
            };

            var result = await adapter.SendAsync(upstream, context.RequestAborted).ConfigureAwait(false);
            if (result.Exchange is { } exchange)
            {
                await using (exchange.ConfigureAwait(false))
                {
                    failure = stream
                        ? await streamRelay.RelayAsync(context, request, candidate, exchange, facts).ConfigureAwait(false)
                        : await jsonRelay.RelayAsync(context, request, candidate, exchange, facts).ConfigureAwait(false);
                }

                if (failure is null)
                {
                    return;
                }
            }
            else
            {
                failure = result.Failure!;
            }

            Log.UpstreamFailed(logger, request.RequestId, candidate.Provider.Name, candidate.Id, failure.Kind, failure.UpstreamStatus ?? 0);
            if (!failure.IsRetryable || context.RequestAborted.IsCancellationRequested)
            {
                break;
            }
        }

        await FailAsync(context, request, deployment, failure!).ConfigureAwait(false);
    }

    /// <summary>Nothing reached the client: record the failure (never billed) and answer with an error.</summary>
    private async Task FailAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, ProviderFailure failure)
    {
        var error = FailureResponses.ToOpenAI(failure, deployment.Provider.Name);
        var status = failure.Kind is ProviderFailureKind.Unreachable or ProviderFailureKind.Timeout
            ? RequestStatus.Unreachable
            : RequestStatus.UpstreamError;
        var record = request.ToRecord(deployment, price: null, default, estimated: false, status, error.Status, failure.Message, streamed: false) with
        {
            Currency = state.PriceOf(deployment)?.Currency ?? "USD",
            Unpriced = state.PriceOf(deployment) is null,
        };
        await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        ResponseHeaders.SetRouting(context.Response, request, deployment);
        if (failure.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await OpenAIErrorWriter.WriteAsync(context, error, deployment.Provider.Name).ConfigureAwait(false);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UpstreamFailed, Level = LogLevel.Warning,
            Message = "Request {RequestId}: provider {Provider} (deployment {Deployment}) failed: {Kind}, HTTP {Status}")]
        public static partial void UpstreamFailed(ILogger logger, string requestId, string provider, string deployment, ProviderFailureKind kind, int status);
    }
}
