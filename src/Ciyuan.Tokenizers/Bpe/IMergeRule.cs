namespace Ciyuan.Tokenizers.Bpe;

/// <summary>How two adjacent parts of a piece merge: HF merges (id pair → rank, new id) or tiktoken ranks (bytes → rank).</summary>
internal interface IMergeRule
{
    /// <summary>
    /// Looks up the merge of the part <paramref name="leftId"/> (bytes from <paramref name="leftStart"/>) with the
    /// part <paramref name="rightId"/> (bytes up to <paramref name="rightEnd"/>) of <paramref name="piece"/>.
    /// </summary>
    bool TryMerge(ReadOnlySpan<byte> piece, int leftStart, int leftId, int rightId, int rightEnd, out int rank, out int newId);
}
