using Ciyuan.Core.Canonical;

namespace Ciyuan.Core.Routing;

/// <summary>What the pipeline knows about a request when it routes it (stages 2–3 have run).</summary>
public sealed record RouteRequest
{
    /// <summary>The model name the client asked for.</summary>
    public required string Alias { get; init; }

    /// <summary>The authenticated key's policy name; null for none.</summary>
    public string? KeyPolicy { get; init; }

    /// <summary>The <c>X-Ciyuan-Policy</c> header; may only tighten <see cref="KeyPolicy"/>.</summary>
    public string? RequestPolicy { get; init; }

    /// <summary>Exact prompt tokens (from the model family's tokenizer).</summary>
    public long PromptTokens { get; init; }

    /// <summary>The request's output cap (<c>max_tokens</c>); null when unset.</summary>
    public long? MaxOutputTokens { get; init; }

    /// <summary>Output expected for cost and latency; defaults to the cap or the alias default.</summary>
    public long? ExpectedOutputTokens { get; init; }

    public RoutingCapabilities RequiredCapabilities { get; init; }

    /// <summary>The front door the request came in at; with the provider it decides which endpoint (and whose health) serves it.</summary>
    public Dialect Door { get; init; } = Dialect.OpenAI;

    /// <summary>Stable 64-bit hash of the long shared prompt prefix, computed by the caller; 0 for none.</summary>
    public ulong AffinityKey { get; init; }
}
