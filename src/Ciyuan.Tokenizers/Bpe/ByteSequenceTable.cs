using System.Runtime.CompilerServices;

namespace Ciyuan.Tokenizers.Bpe;

/// <summary>
/// Token byte sequences by id plus an open-addressing index from bytes to id (tiktoken's encoder). Also the
/// tiktoken merge rule: two parts merge when their concatenated bytes are a token; the rank is that token's id.
/// </summary>
internal sealed class ByteSequenceTable
{
    private readonly byte[] _blob;
    private readonly int[] _offsets;   // id -> start in blob; length from _offsets[id + 1]; -1 when unused
    private readonly int[] _lengths;
    private readonly int[] _slots;     // id + 1, 0 = empty
    private readonly int _mask;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ByteSequenceTable(IReadOnlyList<byte[]?> tokensById)
    {
        var total = 0;
        foreach (var t in tokensById)
        {
            total += t?.Length ?? 0;
        }

        _blob = new byte[total];
        _offsets = new int[tokensById.Count];
        _lengths = new int[tokensById.Count];
        var capacity = 16;
        while (capacity < tokensById.Count * 2)
        {
            capacity <<= 1;
        }

        _slots = new int[capacity];
        _mask = capacity - 1;
        var offset = 0;
        for (var id = 0; id < tokensById.Count; id++)
        {
            var bytes = tokensById[id];
            if (bytes is null)
            {
                _offsets[id] = -1;
                continue;
            }

            bytes.CopyTo(_blob, offset);
            _offsets[id] = offset;
            _lengths[id] = bytes.Length;
            offset += bytes.Length;
            if (bytes.Length == 0)
            {
                continue;
            }

            var slot = Hash(bytes) & _mask;
            while (_slots[slot] != 0)
            {
                if (Bytes(_slots[slot] - 1).SequenceEqual(bytes))
                {
                    break;              // first id wins for duplicate byte sequences
                }

                slot = (slot + 1) & _mask;
            }

            if (_slots[slot] == 0)
            {
                _slots[slot] = id + 1;
            }
        }
    }

    public int Count => _offsets.Length;

    /// <summary>The bytes of token <paramref name="id"/> (empty when the id is unused or out of range).</summary>
    public ReadOnlySpan<byte> Bytes(int id) =>
        (uint)id < (uint)_offsets.Length && _offsets[id] >= 0 ? _blob.AsSpan(_offsets[id], _lengths[id]) : default;

    public bool Contains(int id) => (uint)id < (uint)_offsets.Length && _offsets[id] >= 0;

    /// <summary>The id of the token with exactly these bytes, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> bytes)
    {
        var slot = Hash(bytes) & _mask;
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                return -1;
            }

            var id = entry - 1;
            if (_lengths[id] == bytes.Length && _blob.AsSpan(_offsets[id], bytes.Length).SequenceEqual(bytes))
            {
                return id;
            }

            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int leftId, int rightId, int rightEnd, out int rank, out int newId)
    {
        rank = newId = Find(piece[leftStart..rightEnd]);
        return rank >= 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var h = 0x811C9DC5u ^ (uint)bytes.Length;
        foreach (var b in bytes)
        {
            h = (h ^ b) * 0x01000193u;
        }

        return (int)(h ^ (h >> 15));
    }
}
