using System.Globalization;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Protocols.Anthropic;

namespace Ciyuan.Gateway.Errors;

/// <summary>
/// Every error the gateway itself answers with, in one place: its code, and the status and type
/// each door gives it (failures of an upstream come from <see cref="ErrorVocabulary"/>).
/// </summary>
internal static class GatewayErrors
{
    public static GatewayError InvalidRequest(string message, string code, string? param = null) =>
        new(Shape(400, "invalid_request_error", code), message) { Param = param };

    public static GatewayError Unauthorized(string message) =>
        new(Shape(401, "authentication_error", "invalid_api_key"), message);

    /// <summary>A thing the request names (a key, a budget, a route) does not exist.</summary>
    public static GatewayError NotFound(string message, string code, string? param = null) =>
        new(Shape(404, "invalid_request_error", code, anthropicType: "not_found_error"), message) { Param = param };

    /// <summary>The caller is known but may not do this.</summary>
    public static GatewayError Forbidden(string message, string code) =>
        new(Shape(403, "permission_error", code), message);

    /// <summary>The thing exists but cannot change this way.</summary>
    public static GatewayError Conflict(string message, string code) =>
        new(Shape(409, "invalid_request_error", code), message);

    /// <summary>A known path asked with a method it does not take.</summary>
    public static GatewayError MethodNotAllowed(string message) =>
        new(Shape(405, "invalid_request_error", "method_not_allowed"), message);

    public static GatewayError ModelNotFound(string model) =>
        new(Shape(404, "invalid_request_error", "model_not_found", anthropicType: "not_found_error"),
            $"The model '{model}' does not exist or this key may not use it. GET /v1/models lists the models you can use.")
        { Param = "model" };

    public static GatewayError ModelUnpriced(string model) =>
        new(Shape(403, "permission_error", "model_unpriced"),
            $"The model '{model}' has no known price, and this server refuses unpriced models (server.refuse_unpriced). Add price: to its deployments.")
        { Param = "model" };

    public static GatewayError MissingModel() =>
        InvalidRequest("The request has no 'model'. Name one of the models GET /v1/models lists.", "missing_model", "model");

    public static GatewayError TooLarge(long limit, string setting) =>
        new(Shape(413, "invalid_request_error", "request_too_large"),
            $"The request body is larger than this server accepts here ({limit.ToString("N0", CultureInfo.InvariantCulture)} bytes). Send less data, or raise {setting} in ciyuan.yaml.");

    public static GatewayError UnsupportedMediaType(string? contentType) =>
        new(Shape(415, "invalid_request_error", "unsupported_media_type", anthropicType: "invalid_request_error"),
            $"Content-Type must be application/json (got '{contentType ?? "none"}').");

    /// <summary>A key's, project's or deployment's own limit (not a vendor's).</summary>
    public static GatewayError RateLimited(string what, TimeSpan retryAfter)
    {
        var wait = retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
        return new(Shape(429, "rate_limit_error", "rate_limit_exceeded"),
            $"Rate limit reached: {what}. Retry after {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s.")
        { RetryAfter = wait };
    }

    public static GatewayError BudgetExceeded(string message) =>
        new(Shape(402, "insufficient_quota", "budget_exceeded", anthropicType: "billing_error"), message);

    /// <summary>A hold could not be made durable, so nothing was sent.</summary>
    public static GatewayError HoldUnavailable { get; } = new(Shape(503, "api_error", "ledger_unavailable", anthropicStatus: 500),
        "The gateway's ledger is unavailable, so the request was not sent (nothing was charged); retry shortly.")
    { RetryAfter = TimeSpan.FromSeconds(1) };

    /// <summary>The upstream answered, but its ledger line could not be written: the answer is withheld.</summary>
    public static GatewayError LedgerUnavailable { get; } = new(Shape(503, "api_error", "ledger_unavailable", anthropicStatus: 500),
        "The upstream answered, but the gateway's ledger could not record the answer, so it was withheld. The request may have been served " +
        "(and billed by the provider): it shows as in doubt until an operator settles it. Retry shortly.")
    { RetryAfter = TimeSpan.FromSeconds(5) };

    /// <summary>The gateway reached its drain deadline before the upstream answered: nothing was billed; another instance can serve a retry.</summary>
    public static GatewayError ShuttingDown { get; } = new(Shape(503, "api_error", GatewayStoppedCode, anthropicStatus: 529, anthropicType: "overloaded_error"),
        "The gateway is shutting down and its drain deadline passed before the upstream answered; nothing was billed. Retry: another instance will serve it.")
    { RetryAfter = TimeSpan.FromSeconds(1) };

    /// <summary>The code of an answer or stream the gateway ended at its drain deadline.</summary>
    public const string GatewayStoppedCode = "gateway_shutting_down";

    public static GatewayError Internal(string? requestId) =>
        new(Shape(500, "api_error", "internal_error"),
            $"The gateway failed on this request (request id {(string.IsNullOrEmpty(requestId) ? "unknown" : requestId)}); nothing was billed for it. Report the request id to the operator.");

    /// <summary>A field the target dialect cannot express (a translation refused it).</summary>
    public static GatewayError UnsupportedByUpstream(string message) =>
        InvalidRequest(message, "unsupported_by_upstream");

    /// <summary>A vendor's parameter rule refused a field.</summary>
    public static GatewayError UnsupportedParameter(string field, string message, string provider) =>
        InvalidRequest($"{field}: {message} (provider '{provider}')", "unsupported_parameter", field);

    public static GatewayError NoDeployment(string model, string reason, TimeSpan? retryAfter = null) =>
        new(Shape(503, "upstream_error", "no_deployment_available", anthropicStatus: 529, anthropicType: "overloaded_error"),
            $"No deployment of model '{model}' could take the request ({reason}); retry later.")
        { RetryAfter = retryAfter };

    /// <summary>Routing refused the request before any upstream was chosen.</summary>
    public static GatewayError Route(RouteResult result) => result.Error switch
    {
        RouteErrorKind.UnknownAlias => new(Shape(404, "invalid_request_error", "model_not_found", anthropicType: "not_found_error"), result.Message!) { Param = "model" },
        RouteErrorKind.UnknownPolicy => InvalidRequest(result.Message!, "unknown_policy"),
        RouteErrorKind.DeniedByPolicy => new(Shape(403, "permission_error", "denied_by_policy"), result.Message!),
        RouteErrorKind.NoFit => InvalidRequest(result.Message!, "context_length_exceeded"),
        _ => new(Shape(503, "upstream_error", "no_deployment_available", anthropicStatus: 529, anthropicType: "overloaded_error"), result.Message!)
        {
            RetryAfter = result.RetryAfter,
        },
    };

    /// <summary>
    /// An upstream failure in the one vocabulary (<see cref="ErrorVocabulary"/>): Ciyuan's code and
    /// status, the provider's own message naming the host dialled, and the vendor's code beside it.
    /// </summary>
    public static GatewayError FromProvider(ProviderFailure failure, string provider)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var where = failure.Host is { } host ? $"provider '{provider}' at {host}" : $"provider '{provider}'";
        var message = failure.Kind switch
        {
            // The provider rejected Ciyuan's own credentials: the operator's problem, not the caller's
            // key, so it must not look like a 401 to the client.
            ProviderFailureKind.Authentication => $"{where} rejected the gateway's credentials: {failure.Message}",
            ProviderFailureKind.Unreachable or ProviderFailureKind.Timeout => failure.Message,
            _ => $"{where} answered: {failure.Message}",
        };
        return new GatewayError(ErrorVocabulary.For(failure.Kind), message)
        {
            Provider = provider,
            ProviderCode = ErrorVocabulary.ProviderCodeOf(failure),
            RetryAfter = failure.RetryAfter ?? (failure.Kind == ProviderFailureKind.RateLimited ? ErrorVocabulary.DefaultRetryAfter : null),
        };
    }

    /// <summary>A failure after a stream began (the upstream's stream ended wrongly), as told in that stream.</summary>
    public static GatewayError StreamEnded(string code, string message, string provider) =>
        new(Shape(502, "upstream_error", code, anthropicStatus: 500, anthropicType: "api_error"), message) { Provider = provider };

    private static ClientError Shape(int status, string openAIType, string code, int? anthropicStatus = null, string? anthropicType = null)
    {
        var forAnthropic = anthropicStatus ?? status;
        return new ClientError(status, openAIType, code, forAnthropic, anthropicType ?? AnthropicErrors.TypeForStatus(forAnthropic));
    }
}
