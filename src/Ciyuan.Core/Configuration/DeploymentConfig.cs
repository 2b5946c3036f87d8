using System.Collections.Frozen;

namespace Ciyuan.Core.Configuration;

/// <summary>One place a model alias can be served: a provider plus the model name it knows.</summary>
public sealed record DeploymentConfig
{
    /// <summary>Stable id used in headers, metrics and the ledger: <c>provider/upstream-model</c>.</summary>
    public required string Id { get; init; }

    public required ProviderConfig Provider { get; init; }

    public required string UpstreamModel { get; init; }

    /// <summary>Explicit price from config; when null the catalog price applies, if any.</summary>
    public PriceConfig? Price { get; init; }

    public int Weight { get; init; } = 1;

    /// <summary>Context window in tokens (overrides the catalog's; a self-hosted server's is its own flag, e.g. Ollama's 4096).</summary>
    public long? ContextWindow { get; init; }

    /// <summary>Concurrent requests this deployment may hold (a bulkhead); 0 = unlimited.</summary>
    public int MaxInFlight { get; init; }

    /// <summary>Requests per minute this deployment may be sent (the vendor's quota); when reached, routing moves on.</summary>
    public long? RequestsPerMinute { get; init; }

    /// <summary>Tokens per minute this deployment may be sent; when reached, routing moves on.</summary>
    public long? TokensPerMinute { get; init; }

    /// <summary>Tokenizer family to count with (overrides the catalog's), e.g. <c>qwen3</c>.</summary>
    public string? Tokenizer { get; init; }

    public FrozenDictionary<string, string> Tags { get; init; } = FrozenDictionary<string, string>.Empty;
}
