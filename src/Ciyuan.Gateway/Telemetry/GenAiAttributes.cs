namespace Ciyuan.Gateway.Telemetry;

/// <summary>
/// Attribute names of the OpenTelemetry semantic conventions for generative AI (and the few general
/// ones spans carry), plus Ciyuan's own under <c>ciyuan.</c>. Prometheus sees dots as underscores.
/// </summary>
internal static class GenAiAttributes
{
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string ResponseModel = "gen_ai.response.model";
    public const string TokenType = "gen_ai.token.type";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string CacheReadTokens = "gen_ai.usage.cache_read.input_tokens";
    public const string CacheCreationTokens = "gen_ai.usage.cache_creation.input_tokens";
    public const string ReasoningTokens = "gen_ai.usage.reasoning.output_tokens";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string ErrorType = "error.type";
    public const string HttpStatus = "http.response.status_code";
    public const string ServerAddress = "server.address";

    public const string RequestId = "ciyuan.request_id";
    public const string KeyId = "ciyuan.key.id";
    public const string Deployment = "ciyuan.deployment";
    public const string Provider = "ciyuan.provider";
    public const string Door = "ciyuan.door";
    public const string Status = "ciyuan.status";
    public const string Attempts = "ciyuan.attempts";
    public const string Attempt = "ciyuan.attempt";
    public const string AttemptOutcome = "ciyuan.attempt.outcome";
    public const string Cost = "ciyuan.cost";
    public const string CostCurrency = "ciyuan.cost.currency";
    public const string UsageEstimated = "ciyuan.usage.estimated";

    /// <summary><c>gen_ai.operation.name</c> of a door: embeddings, or chat for both chat doors.</summary>
    public static string OperationOf(Doors.DoorEndpoint door) => door == Doors.DoorEndpoint.Embeddings ? "embeddings" : "chat";
}
