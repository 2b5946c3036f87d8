namespace Ciyuan.Http;

/// <summary>An error for an OpenAI-dialect route: HTTP status, message, OpenAI <c>type</c> and <c>code</c>.</summary>
internal sealed record OpenAIError(int Status, string Message, string Type, string? Code, string? Param = null)
{
    /// <summary>Sent as a <c>Retry-After</c> header when set.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The configured provider the error came from, when an upstream was involved.</summary>
    public string? Provider { get; init; }

    /// <summary>The vendor's own code for the condition (kept beside Ciyuan's <see cref="Code"/>).</summary>
    public string? ProviderCode { get; init; }

    public static OpenAIError InvalidRequest(string message, string? code = null, string? param = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", code, param);

    public static OpenAIError Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, message, "authentication_error", "invalid_api_key");

    public static OpenAIError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound,
            $"The model '{model}' does not exist or this key may not use it. GET /v1/models lists the models you can use.",
            "invalid_request_error", "model_not_found", "model");
}
