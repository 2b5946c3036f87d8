using System.Runtime.CompilerServices;

namespace Ciyuan.Tokenizers.Bpe;

/// <summary>
/// Hugging Face BPE merges as an open-addressing hash map from (left id, right id) to (rank, merged id);
/// read-only after construction, so lookups are lock-free.
/// </summary>
internal sealed class PairMergeTable
{
    private readonly ulong[] _keys;
    private readonly long[] _values;
    private readonly int _mask;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PairMergeTable(IReadOnlyList<(int Left, int Right, int NewId)> merges)
    {
        var capacity = 16;
        while (capacity < merges.Count * 2)
        {
            capacity <<= 1;
        }

        _keys = new ulong[capacity];
        _values = new long[capacity];
        _mask = capacity - 1;
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right, newId) = merges[rank];
            var key = Key(left, right);
            var slot = Slot(key);
            while (_keys[slot] != 0 && _keys[slot] != key)
            {
                slot = (slot + 1) & _mask;
            }

            _keys[slot] = key;                                  // a later duplicate overwrites, as HF's HashMap collect does
            _values[slot] = ((long)rank << 32) | (uint)newId;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(int left, int right) => ((ulong)(uint)left << 32 | (uint)right) + 1;   // never 0

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & _mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int leftId, int rightId, int rightEnd, out int rank, out int newId)
    {
        var key = Key(leftId, rightId);
        var slot = Slot(key);
        while (true)
        {
            var k = _keys[slot];
            if (k == key)
            {
                var v = _values[slot];
                rank = (int)(v >> 32);
                newId = (int)v;
                return true;
            }

            if (k == 0)
            {
                rank = newId = 0;
                return false;
            }

            slot = (slot + 1) & _mask;
        }
    }
}
