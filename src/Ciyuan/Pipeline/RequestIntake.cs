using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Hosting;
using Ciyuan.Http;
using Ciyuan.Protocols.OpenAI;

namespace Ciyuan.Pipeline;

/// <summary>
/// The stages every front door shares before dispatch: authenticate, check the content type,
/// read the body within the limit, scan it, and resolve the model alias. Errors come back as
/// <see cref="OpenAIError"/> values; each door writes them in its own dialect.
/// </summary>
internal sealed class RequestIntake(GatewayState state, ClientAuthenticator authenticator)
{
    /// <summary>Reads and checks a request; <paramref name="maxBytes"/> overrides <c>server.max_body_bytes</c> for this route.</summary>
    public async Task<IntakeResult> ReadAsync(HttpContext context, string endpoint, long? maxBytes = null, string limitSetting = "server.max_body_bytes")
    {
        var requestId = RequestIds.New();
        context.Response.Headers[CiyuanHeaders.RequestId] = requestId;

        var key = authenticator.Authenticate(context.Request, out var authError);
        if (key is null)
        {
            return IntakeResult.Failed(OpenAIError.Unauthorized(authError!));
        }

        if (!IsJson(context.Request.ContentType))
        {
            return IntakeResult.Failed(new OpenAIError(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type must be application/json (got '{context.Request.ContentType ?? "none"}').",
                "invalid_request_error", "unsupported_media_type"));
        }

        var (body, bodyError) = await RequestBody.ReadAsync(context, maxBytes ?? state.Config.Server.MaxBodyBytes, limitSetting).ConfigureAwait(false);
        if (body is null)
        {
            return IntakeResult.Failed(bodyError!);
        }

        var facts = OpenAIRequestScanner.Scan(body.Span, out var scanError);
        if (facts is null)
        {
            body.Dispose();
            return IntakeResult.Failed(OpenAIError.InvalidRequest(scanError!.Message, scanError.Code, scanError.Param));
        }

        if (endpoint == "messages" && facts.MaxTokens is null)
        {
            body.Dispose();
            return IntakeResult.Failed(OpenAIError.InvalidRequest(
                "max_tokens is required: the most tokens the answer may use (a Messages request must say).", RequestScanError.InvalidValue, "max_tokens"));
        }

        if (string.IsNullOrEmpty(facts.Model))
        {
            body.Dispose();
            return IntakeResult.Failed(OpenAIError.InvalidRequest(
                "The request has no 'model'. Name one of the models GET /v1/models lists.", "missing_model", "model"));
        }

        if (!state.Aliases.TryGetValue(facts.Model, out var alias))
        {
            body.Dispose();
            return IntakeResult.Failed(state.RefusedAliases.Contains(facts.Model)
                ? new OpenAIError(StatusCodes.Status403Forbidden,
                    $"The model '{facts.Model}' has no known price, and this server refuses unpriced models (server.refuse_unpriced). Add price: to its deployments.",
                    "permission_error", "model_unpriced", "model")
                : OpenAIError.ModelNotFound(facts.Model));
        }

        var runId = context.Request.Headers[CiyuanHeaders.Run].ToString();
        var policy = context.Request.Headers[CiyuanHeaders.Policy].ToString();
        var request = new RequestContext(requestId, key, endpoint, alias.Name, runId.Length == 0 ? null : runId)
        {
            RequestPolicy = policy.Length == 0 ? null : policy,
            CallerSecret = ClientAuthenticator.PresentedKey(context.Request).ToString(),
            PromptBytes = facts.PromptBytes,
            LogprobsRequested = facts.LogprobsRequested,
            OutputLimits = endpoint == "embeddings"
                ? OutputLimits.None
                : new OutputLimits(facts.RequestedMaxOutput, facts.ThinkingBudget, facts.ReasoningMaxTokens, facts.Choices),
        };
        return new IntakeResult(request, alias, body, facts, null);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Either a request ready for dispatch (the caller disposes <see cref="Body"/>) or an error.</summary>
internal sealed record IntakeResult(RequestContext? Request, ModelAliasConfig? Alias, RequestBody? Body, OpenAIRequestFacts? Facts, OpenAIError? Error)
{
    public static IntakeResult Failed(OpenAIError error) => new(null, null, null, null, error);
}
