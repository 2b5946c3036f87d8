using System.Numerics;
using System.Runtime.CompilerServices;

namespace Ciyuan.Tokenizers.Bpe;

/// <summary>
/// A direct-mapped cache from a pre-tokenized piece to its ids. Entries are immutable objects swapped in with
/// a single reference write, so readers and writers on any thread need no lock; a collision just evicts.
/// </summary>
internal sealed class PieceCache
{
    public const int MaxPieceLength = 48;
    private const int Size = 1 << 16;

    private readonly Entry?[] _entries = new Entry?[Size];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int[]? Get(ReadOnlySpan<char> piece)
    {
        var entry = Volatile.Read(ref _entries[Hash(piece) & (Size - 1)]);
        return entry is not null && piece.SequenceEqual(entry.Key) ? entry.Ids : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set(ReadOnlySpan<char> piece, int[] ids) =>
        Volatile.Write(ref _entries[Hash(piece) & (Size - 1)], new Entry(piece.ToString(), ids));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<char> piece)
    {
        var h = (uint)piece.Length * 0x9E3779B1u;
        foreach (var c in piece)
        {
            h = BitOperations.RotateLeft((h ^ c) * 0x85EBCA77u, 13);
        }

        return (int)(h ^ (h >> 16));
    }

    private sealed record Entry(string Key, int[] Ids);
}
