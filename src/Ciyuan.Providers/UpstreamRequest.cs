using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Providers;

/// <summary>One call to an upstream: where, which route, and the body already in the upstream's dialect.</summary>
public sealed record UpstreamRequest
{
    public required DeploymentConfig Deployment { get; init; }

    /// <summary>Route under the provider's base URL, e.g. <c>chat/completions</c>.</summary>
    public required string Route { get; init; }

    public required ReadOnlyMemory<byte> Body { get; init; }

    public required bool Stream { get; init; }

    public required string RequestId { get; init; }

    /// <summary>Which of the provider's endpoints: its OpenAI-dialect base or its Anthropic-dialect base.</summary>
    public Dialect Dialect { get; init; } = Dialect.OpenAI;

    /// <summary>The key of the provider's key pool this attempt leased; null = the provider's own key.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The calling client's own key (UTF-8), masked in whatever the upstream sends back like the gateway's own secrets.</summary>
    public byte[] CallerSecret { get; init; } = [];

    /// <summary>Client headers to pass on (e.g. <c>anthropic-version</c>, <c>anthropic-beta</c>); never credentials.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ForwardedHeaders { get; init; } = [];

    /// <summary>
    /// The W3C <c>traceparent</c> to send, so the upstream's own spans join the request's trace. Set
    /// per attempt by the caller (the HTTP handler's automatic propagation is off: only this one is sent).
    /// </summary>
    public string? TraceParent { get; init; }
}
