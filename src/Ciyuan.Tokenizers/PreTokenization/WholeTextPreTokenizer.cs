namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>No split: the whole text is one piece (a tokenizer.json whose only pre-tokenizer is ByteLevel without regex).</summary>
internal sealed class WholeTextPreTokenizer : PreTokenizer
{
    public override void Split<TSink>(ReadOnlySpan<char> text, ref TSink sink) => sink.OnPiece(text);
}
