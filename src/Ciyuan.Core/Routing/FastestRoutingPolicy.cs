using System.Globalization;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Shortest expected response first: EWMA time to first token plus expected output divided by
/// EWMA tokens per second. A deployment never measured is explored first — but only while no call
/// to it is already in flight, so exploration costs one request, not a stampede; while that probe
/// runs it ranks last. With prompt-cache affinity the affine deployment goes first (a cache hit
/// also shortens time to first token).
/// </summary>
public sealed class FastestRoutingPolicy : ScoredRoutingPolicy, IRankExplainer
{
    public override string Name => RoutingPolicyNames.Fastest;

    protected override double Score(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index) =>
        ExpectedMilliseconds(context, candidates[index]);

    /// <summary>The score: -1 to explore, +∞ while the exploring call runs, otherwise milliseconds.</summary>
    internal static double ExpectedMilliseconds(in RoutingContext context, DeploymentState candidate)
    {
        var ttft = candidate.TimeToFirstTokenMs;
        if (double.IsNaN(ttft))
        {
            return candidate.InFlight == 0 ? -1 : double.PositiveInfinity;
        }

        var tokensPerSecond = candidate.TokensPerSecond;
        var generation = tokensPerSecond > 0 ? context.ExpectedOutputTokens * 1000.0 / tokensPerSecond : 0;
        return ttft + generation;
    }

    string IRankExplainer.Describe(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index)
    {
        var candidate = candidates[index];
        var affine = index == context.AffinityIndex ? ", prompt-cache affine" : string.Empty;
        if (!candidate.IsMeasured)
        {
            return candidate.InFlight == 0 ? "not measured yet: explored" + affine : "not measured yet, probe in flight" + affine;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"expected {ExpectedMilliseconds(context, candidate):0} ms (TTFT {candidate.TimeToFirstTokenMs:0} ms, {candidate.TokensPerSecond:0.#} tok/s{affine})");
    }
}
