using Ciyuan.Core.Providers;

namespace Ciyuan.Gateway.Errors;

/// <summary>
/// One error inside the gateway, whatever door the request came in by: what went wrong
/// (<see cref="Shape"/>: Ciyuan's code with the status and type each door gives it), the sentence
/// for the client, and the field, provider and vendor code it concerns. It becomes OpenAI's or
/// Anthropic's error body only at the door (like YARP's <c>ForwarderError</c> feature).
/// </summary>
internal sealed record GatewayError(ClientError Shape, string Message)
{
    /// <summary>Ciyuan's stable code, e.g. <c>budget_exceeded</c>.</summary>
    public string Code => Shape.Code;

    /// <summary>The request field at fault, when there is one.</summary>
    public string? Param { get; init; }

    /// <summary>The configured provider the error came from, when an upstream was involved.</summary>
    public string? Provider { get; init; }

    /// <summary>The vendor's own code for the condition, kept beside Ciyuan's.</summary>
    public string? ProviderCode { get; init; }

    /// <summary>Sent as <c>Retry-After</c> when set.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
