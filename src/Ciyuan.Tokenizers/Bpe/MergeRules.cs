using System.Runtime.CompilerServices;

namespace Ciyuan.Tokenizers.Bpe;

/// <summary>Hugging Face merges as a struct rule, so the generic merge loop is specialised and inlined.</summary>
internal readonly struct PairMergeRule(PairMergeTable table) : IMergeRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int leftId, int rightId, int rightEnd, out int rank, out int newId) =>
        table.TryMerge(piece, leftStart, leftId, rightId, rightEnd, out rank, out newId);
}

/// <summary>tiktoken ranks as a struct rule.</summary>
internal readonly struct RankMergeRule(ByteSequenceTable table) : IMergeRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int leftId, int rightId, int rightEnd, out int rank, out int newId) =>
        table.TryMerge(piece, leftStart, leftId, rightId, rightEnd, out rank, out newId);
}
