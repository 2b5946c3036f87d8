namespace Ciyuan.Core.Canonical;

/// <summary>The wire dialect a client or an upstream speaks.</summary>
public enum Dialect
{
    /// <summary>OpenAI Chat Completions (and embeddings).</summary>
    OpenAI,

    /// <summary>Anthropic Messages.</summary>
    Anthropic,

    /// <summary>OpenAI Responses: items in, items out, typed stream events.</summary>
    Responses,
}
