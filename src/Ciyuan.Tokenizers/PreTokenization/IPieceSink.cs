namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>Receives the pieces a pre-tokenizer produces, in order.</summary>
internal interface IPieceSink
{
    void OnPiece(ReadOnlySpan<char> piece);
}
