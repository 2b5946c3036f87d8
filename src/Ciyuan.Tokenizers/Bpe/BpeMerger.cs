using System.Buffers;
using System.Runtime.CompilerServices;

namespace Ciyuan.Tokenizers.Bpe;

/// <summary>
/// The BPE merge loop: repeatedly merge the adjacent pair with the lowest rank, leftmost first (the order both
/// Hugging Face's priority queue and tiktoken's scan produce). Parts live in a doubly linked list over arrays;
/// short pieces scan for the minimum, long ones (a Chinese clause can be one piece) use a binary heap with lazy
/// invalidation, so the loop is O(n log n) rather than O(n²).
/// </summary>
internal static class BpeMerger
{
    private const int HeapThreshold = 48;
    private const int StackLimit = 256;

    /// <summary>Merges <paramref name="ids"/> (one per byte of <paramref name="piece"/>) in place; returns the part count.</summary>
    /// <remarks>On return the surviving ids are compacted into the first <c>count</c> slots of <paramref name="ids"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Merge<TRule>(TRule rule, ReadOnlySpan<byte> piece, Span<int> ids)
        where TRule : IMergeRule
    {
        var n = ids.Length;
        if (n < 2)
        {
            return n;
        }

        int[]? rented = null;
        var scratch = n <= StackLimit ? stackalloc int[n * 5] : (rented = ArrayPool<int>.Shared.Rent(n * 5));
        try
        {
            var start = scratch[..n];
            var next = scratch.Slice(n, n);
            var prev = scratch.Slice(2 * n, n);
            var rank = scratch.Slice(3 * n, n);
            var merged = scratch.Slice(4 * n, n);
            for (var i = 0; i < n; i++)
            {
                start[i] = i;
                next[i] = i + 1;
                prev[i] = i - 1;
            }

            for (var i = 0; i < n - 1; i++)
            {
                rank[i] = rule.TryMerge(piece, i, ids[i], ids[i + 1], i + 2, out var r, out var m) ? r : int.MaxValue;
                merged[i] = m;
            }

            rank[n - 1] = int.MaxValue;
            var count = n <= HeapThreshold
                ? MergeByScan(rule, piece, ids, n, start, next, prev, rank, merged)
                : MergeByHeap(rule, piece, ids, n, start, next, prev, rank, merged);

            var write = 0;
            for (var i = 0; i < n; i = next[i])
            {
                ids[write++] = ids[i];
            }

            return count;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MergeByScan<TRule>(
        TRule rule, ReadOnlySpan<byte> piece, Span<int> ids, int n,
        Span<int> start, Span<int> next, Span<int> prev, Span<int> rank, Span<int> merged)
        where TRule : IMergeRule
    {
        var count = n;
        while (true)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i < n; i = next[i])
            {
                if (rank[i] < bestRank)
                {
                    bestRank = rank[i];
                    best = i;
                }
            }

            if (best < 0)
            {
                return count;
            }

            Apply(rule, piece, ids, n, start, next, prev, rank, merged, best);
            count--;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MergeByHeap<TRule>(
        TRule rule, ReadOnlySpan<byte> piece, Span<int> ids, int n,
        Span<int> start, Span<int> next, Span<int> prev, Span<int> rank, Span<int> merged)
        where TRule : IMergeRule
    {
        var heap = new PairHeap(n * 3);
        try
        {
            for (var i = 0; i < n - 1; i++)
            {
                if (rank[i] != int.MaxValue)
                {
                    heap.Push(rank[i], i);
                }
            }

            var count = n;
            while (heap.TryPop(out var r, out var pos))
            {
                if (ids[pos] < 0 || rank[pos] != r)
                {
                    continue;                       // stale: the part died or its right neighbour changed
                }

                Apply(rule, piece, ids, n, start, next, prev, rank, merged, pos);
                count--;
                if (rank[pos] != int.MaxValue)
                {
                    heap.Push(rank[pos], pos);
                }

                var p = prev[pos];
                if (p >= 0 && rank[p] != int.MaxValue)
                {
                    heap.Push(rank[p], p);
                }
            }

            return count;
        }
        finally
        {
            heap.Dispose();
        }
    }

    // Merges part `pos` with its right neighbour and refreshes the pairs on both sides.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply<TRule>(
        TRule rule, ReadOnlySpan<byte> piece, Span<int> ids, int n,
        Span<int> start, Span<int> next, Span<int> prev, Span<int> rank, Span<int> merged, int pos)
        where TRule : IMergeRule
    {
        var right = next[pos];
        ids[pos] = merged[pos];
        ids[right] = -1;
        var after = next[right];
        next[pos] = after;
        if (after < n)
        {
            prev[after] = pos;
            rank[pos] = rule.TryMerge(piece, start[pos], ids[pos], ids[after], End(next, after, n), out var r, out var m) ? r : int.MaxValue;
            merged[pos] = m;
        }
        else
        {
            rank[pos] = int.MaxValue;
        }

        var before = prev[pos];
        if (before >= 0)
        {
            rank[before] = rule.TryMerge(piece, start[before], ids[before], ids[pos], End(next, pos, n), out var r, out var m) ? r : int.MaxValue;
            merged[before] = m;
        }
    }

    // Parts are contiguous and `start[i] == i` for the first byte of part i, so a part ends where the next begins.
    private static int End(Span<int> next, int part, int n) => next[part] < n ? next[part] : n;

    /// <summary>A binary min-heap of (rank, position) packed into longs.</summary>
    private struct PairHeap(int capacity) : IDisposable
    {
        private long[] _items = ArrayPool<long>.Shared.Rent(Math.Max(capacity, 16));
        private int _count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Push(int rank, int pos)
        {
            if (_count == _items.Length)
            {
                var bigger = ArrayPool<long>.Shared.Rent(_items.Length * 2);
                _items.AsSpan(0, _count).CopyTo(bigger);
                ArrayPool<long>.Shared.Return(_items);
                _items = bigger;
            }

            var item = ((long)rank << 32) | (uint)pos;
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (_items[parent] <= item)
                {
                    break;
                }

                _items[i] = _items[parent];
                i = parent;
            }

            _items[i] = item;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool TryPop(out int rank, out int pos)
        {
            if (_count == 0)
            {
                rank = pos = 0;
                return false;
            }

            var top = _items[0];
            rank = (int)(top >> 32);
            pos = (int)top;
            var last = _items[--_count];
            var i = 0;
            while (true)
            {
                var child = (2 * i) + 1;
                if (child >= _count)
                {
                    break;
                }

                if (child + 1 < _count && _items[child + 1] < _items[child])
                {
                    child++;
                }

                if (_items[child] >= last)
                {
                    break;
                }

                _items[i] = _items[child];
                i = child;
            }

            _items[i] = last;
            return true;
        }

        public void Dispose() => ArrayPool<long>.Shared.Return(_items);
    }
}
