
namespace Ciyuan.Core.Routing;

/// <summary>
/// What a ranking may know about the request: a value type passed by reference, so ranking
/// allocates nothing. Built by <see cref="DeploymentRouter"/>; tests and benchmarks build it directly.
/// </summary>
public readonly struct RoutingContext
{
    public RoutingContext(
        DateTimeOffset now,
        long promptTokens,
        long expectedOutputTokens,
        int affinityIndex = -1,
        double cacheHitLikelihood = 0,
        double affineCacheHitLikelihood = 0,
        ulong affinityKey = 0)
    {
        AffinityKey = affinityKey;
        Now = now;
        PromptTokens = Math.Max(0, promptTokens);
        ExpectedOutputTokens = Math.Max(0, expectedOutputTokens);
        AffinityIndex = affinityIndex;
        CacheHitLikelihood = Math.Clamp(cacheHitLikelihood, 0, 1);
        AffineCacheHitLikelihood = Math.Clamp(affineCacheHitLikelihood, 0, 1);
    }

    /// <summary>The prompt-cache affinity key (0 = none); strategies may use it to order fallbacks stably.</summary>
    public ulong AffinityKey { get; }

    /// <summary>The request time: prices can depend on it (DeepSeek's off-peak tier).</summary>
    public DateTimeOffset Now { get; }

    public long PromptTokens { get; }

    /// <summary>Output tokens the request is expected to produce, for cost and duration estimates.</summary>
    public long ExpectedOutputTokens { get; }

    /// <summary>
    /// Index, within the candidates being ranked, of the deployment the prompt-cache affinity key
    /// maps to; -1 when the request has no affinity.
    /// </summary>
    public int AffinityIndex { get; }

    /// <summary>Likelihood that prompt tokens hit the provider's cache on a deployment that is not the affine one.</summary>
    public double CacheHitLikelihood { get; }

    /// <summary>Likelihood of a cache hit on the affine deployment, where the shared prefix was sent before.</summary>
    public double AffineCacheHitLikelihood { get; }

    /// <summary>The cache-hit likelihood that applies to the candidate at <paramref name="index"/>.</summary>
    public double CacheHitLikelihoodAt(int index) => index == AffinityIndex ? AffineCacheHitLikelihood : CacheHitLikelihood;
}
