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

    /// <summary>
    /// Whether a piece always ends after a line feed that an ASCII letter or a CJK ideograph follows, whatever
    /// comes before or after, so text cut there splits into the same pieces as the whole. True for the
    /// hand-written scanners: in their patterns no alternative crosses a line feed except into more line breaks
    /// (or <c>/</c> for o200k), none takes a line feed as the one-character prefix of a letter run, and none
    /// looks behind. Unknown patterns make no such promise.
    /// </summary>
    public virtual bool EndsPieceAfterLineFeedBeforeLetter => false;
}
