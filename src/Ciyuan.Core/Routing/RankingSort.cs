namespace Ciyuan.Core.Routing;

/// <summary>Shared pieces of the strategies: a stable sort of indices by score, without allocating.</summary>
internal static class RankingSort
{
    /// <summary>Candidates up to this count keep their scores on the stack; more rent from the array pool.</summary>
    public const int StackLimit = 128;

    /// <summary>
    /// Fills <paramref name="order"/> with 0..n-1 sorted by ascending score; equal scores keep
    /// configured order. Insertion sort: stable, in place, and fastest for the few dozen
    /// deployments an alias has.
    /// </summary>
    public static void SortAscending(ReadOnlySpan<double> scores, Span<int> order)
    {
        var n = scores.Length;
        for (var i = 0; i < n; i++)
        {
            var current = i;
            var score = scores[i];
            var j = i - 1;
            while (j >= 0 && scores[order[j]] > score)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = current;
        }
    }

    /// <summary>Moves the entry holding <paramref name="index"/> to the front, keeping the others in order.</summary>
    public static void PromoteToFront(Span<int> order, int index)
    {
        var at = order.IndexOf(index);
        if (at <= 0)
        {
            return;
        }

        order[..at].CopyTo(order[1..]);
        order[0] = index;
    }

    public static void CheckOrderLength(int candidates, Span<int> order)
    {
        if (order.Length < candidates)
        {
            throw new ArgumentException("The order span must be at least as long as the candidates.", nameof(order));
        }
    }
}
