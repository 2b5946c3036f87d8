using System.Runtime.CompilerServices;
namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>A pre-tokenizer defined by a scanner that finds where the piece starting at an index ends.</summary>
internal abstract class ScanningPreTokenizer : PreTokenizer
{
    /// <summary>Returns the end (exclusive) of the piece starting at <paramref name="start"/>.</summary>
    public abstract int NextEnd(ReadOnlySpan<char> text, int start);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Split<TSink>(ReadOnlySpan<char> text, ref TSink sink)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = NextEnd(text, start);
            sink.OnPiece(text[start..end]);
            start = end;
        }
    }
}
