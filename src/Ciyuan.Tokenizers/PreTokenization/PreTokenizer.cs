namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>
/// Splits normalized text into pieces that the BPE model encodes independently (the Hugging Face
/// pre-tokenizer / tiktoken split pattern).
/// </summary>
internal abstract class PreTokenizer
{
    /// <summary>Calls <paramref name="sink"/> once per piece, in order; pieces cover the whole text.</summary>
    public abstract void Split<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : IPieceSink, allows ref struct;
}
