using System.Buffers;

namespace Ciyuan.Core.Routing;

/// <summary>
/// A strategy that ranks by a score, lowest first: the scores live on the stack (pooled beyond
/// <see cref="RankingSort.StackLimit"/> candidates), so ranking allocates nothing. After sorting,
/// the prompt-cache-affine deployment goes first (a strategy may put conditions on that).
/// </summary>
public abstract class ScoredRoutingPolicy : IRoutingPolicy
{
    public abstract string Name { get; }

    public int Rank(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, Span<int> order)
    {
        var n = candidates.Length;
        RankingSort.CheckOrderLength(n, order);
        double[]? rented = null;
        Span<double> scores = n <= RankingSort.StackLimit
            ? stackalloc double[RankingSort.StackLimit]
            : (rented = ArrayPool<double>.Shared.Rent(n));
        scores = scores[..n];
        try
        {
            for (var i = 0; i < n; i++)
            {
                scores[i] = Score(context, candidates, i);
            }

            RankingSort.SortAscending(scores, order[..n]);
            var affine = context.AffinityIndex;
            if ((uint)affine < (uint)n && PromotesAffine(scores, order[..n], affine))
            {
                RankingSort.PromoteToFront(order[..n], affine);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }

        return n;
    }

    /// <summary>The candidate's score; lower ranks first.</summary>
    protected abstract double Score(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index);

    /// <summary>Whether the affine deployment goes first once sorted (by default, always).</summary>
    protected virtual bool PromotesAffine(ReadOnlySpan<double> scores, ReadOnlySpan<int> order, int affine) => true;
}
