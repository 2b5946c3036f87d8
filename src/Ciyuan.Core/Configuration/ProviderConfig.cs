using System.Collections.Frozen;

namespace Ciyuan.Core.Configuration;

/// <summary>One upstream account or server, validated. Secrets are resolved; never log <see cref="ApiKey"/>.</summary>
public sealed record ProviderConfig
{
    public required string Name { get; init; }

    /// <summary>Config <c>kind:</c> — which adapter and vendor profile serve this provider.</summary>
    public required string Kind { get; init; }

    public string? Region { get; init; }

    /// <summary>The catalog's provider entry this provider matches, if any (for prices and model facts).</summary>
    public string? CatalogId { get; init; }

    /// <summary>Base of the OpenAI-dialect routes, e.g. <c>http://127.0.0.1:8000/v1</c> (no trailing slash).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Base of the vendor's Anthropic-dialect routes, if it has one.</summary>
    public Uri? AnthropicBaseUrl { get; init; }

    /// <summary>
    /// Base of the vendor's OpenAI Responses route (<c>/responses</c> is appended), if it serves one:
    /// configured, the catalog's, or <see cref="BaseUrl"/> for <c>kind: openai</c> and <c>openrouter</c>.
    /// </summary>
    public Uri? ResponsesBaseUrl { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>
    /// Several keys for one provider (config <c>api_keys:</c>): requests sharing a prompt prefix use the
    /// same key, so the vendor's per-key prompt cache hits; each key has its own in-flight limit.
    /// </summary>
    public IReadOnlyList<ProviderKeyConfig> KeyPool { get; init; } = [];

    public required string Jurisdiction { get; init; }

    public FrozenDictionary<string, string> Headers { get; init; } = FrozenDictionary<string, string>.Empty;

    public required ProviderTimeouts Timeouts { get; init; }

    /// <summary>True for self-hosted kinds (vLLM, SGLang, llama.cpp, Ollama, generic) unless configured otherwise.</summary>
    public bool IsSelfHosted => Jurisdiction == Jurisdictions.SelfHosted;
}
