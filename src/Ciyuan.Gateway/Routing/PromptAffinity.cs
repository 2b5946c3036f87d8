using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Routing;

/// <summary>
/// The prompt-cache affinity key of a request: a hash of the first <see cref="PrefixBytes"/> bytes of
/// its messages (system prompt and shared context come first). Requests sharing that much prefix go
/// to the same deployment while it is healthy, so hosted prompt caches and self-hosted prefix caches
/// hit. Shorter prompts have no key: there is no cache worth chasing.
/// </summary>
internal static class PromptAffinity
{
    public const int PrefixBytes = 1024;

    public static ulong KeyOf(ReadOnlySpan<byte> body, RequestFacts facts)
    {
        if (facts.PromptBytes < PrefixBytes)
        {
            return 0;
        }

        // FNV-1a: stable across processes, unlike string.GetHashCode; never 0, which means "no key".
        var hash = 14695981039346656037UL;
        foreach (var b in body.Slice(facts.PromptStart, PrefixBytes))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash | 1;
    }

    /// <summary>Prompt tokens for routing's fit check: bytes ÷ 3 (CJK is ~3 bytes a token, English ~4), rounded up.</summary>
    public static long EstimatedPromptTokens(RequestFacts facts) => (facts.PromptBytes + 2) / 3;
}
