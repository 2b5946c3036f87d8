namespace Ciyuan.Core.Providers;

/// <summary>
/// Which of a provider's doors a call goes through. Each has its own base URL and its own
/// health: a failing Messages or Responses endpoint must not take a working OpenAI-dialect one out
/// of routing.
/// </summary>
public enum UpstreamEndpoint
{
    /// <summary>The OpenAI-dialect base (<c>base_url</c>): chat completions, embeddings.</summary>
    OpenAI,

    /// <summary>The Anthropic-dialect base (<c>anthropic_base_url</c>, or <c>base_url</c> for <c>kind: anthropic</c>): Messages.</summary>
    Messages,

    /// <summary>The OpenAI Responses base (<c>responses_base_url</c>; <c>base_url</c> for <c>kind: openai</c> and <c>openrouter</c>): <c>/responses</c>.</summary>
    Responses,
}
