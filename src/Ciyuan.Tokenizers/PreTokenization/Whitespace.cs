using System.Runtime.CompilerServices;
namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>The trailing <c>\s*[\r\n]+|\s+(?!\S)|\s+</c> alternatives shared by every supported pattern.</summary>
internal static class Whitespace
{
    /// <summary>End of the whitespace piece starting at <paramref name="start"/> (which holds \s).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int PieceEnd(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        var lastNewline = -1;
        while (end < text.Length)
        {
            var c = text[end];
            if (c is '\r' or '\n')
            {
                lastNewline = end;
            }
            else if (c >= 0xD800 || (CharClass.Of(c) & CharClass.White) == 0)
            {
                break;
            }

            end++;
        }

        if (lastNewline >= 0)
        {
            return lastNewline + 1;     // \s*[\r\n]+
        }

        if (end == text.Length || end - start == 1)
        {
            return end;                 // \s+(?!\S) at the end, or a single \s
        }

        return end - 1;                 // \s+(?!\S) leaves the last space to the next piece
    }
}
