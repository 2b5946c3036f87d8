namespace Ciyuan.Tokenizers.Streaming;

/// <summary>How <see cref="StreamTokenizer"/> reads and shares out its input.</summary>
public sealed record StreamTokenizerOptions
{
    /// <summary>Bytes read and decoded at a time; a chunk holds about this much text, or more when no safe cut falls in it.</summary>
    public int BlockBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Decoded blocks read ahead of the tokenizer (while it loads, and while every worker is busy). Reading and
    /// decoding are far faster than tokenizing, so a few are enough; more would only hold memory.
    /// </summary>
    public int ReadAheadBlocks { get; init; } = 4;

    /// <summary>Chunks tokenized at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}
