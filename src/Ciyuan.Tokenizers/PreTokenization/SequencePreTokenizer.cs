namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>Hugging Face's <c>Sequence</c> pre-tokenizer: each stage splits every piece of the previous one.</summary>
internal sealed class SequencePreTokenizer(PreTokenizer[] stages) : PreTokenizer
{
    public override void Split<TSink>(ReadOnlySpan<char> text, ref TSink sink)
    {
        var ranges = new List<(int Start, int Length)> { (0, text.Length) };
        for (var s = 0; s < stages.Length - 1; s++)
        {
            var collector = new RangeCollector(text, []);
            foreach (var (start, length) in ranges)
            {
                stages[s].Split(text.Slice(start, length), ref collector);
            }

            ranges = collector.Ranges;
        }

        var last = stages[^1];
        foreach (var (start, length) in ranges)
        {
            last.Split(text.Slice(start, length), ref sink);
        }
    }

    private ref struct RangeCollector(ReadOnlySpan<char> text, List<(int Start, int Length)> ranges) : IPieceSink
    {
        private readonly ReadOnlySpan<char> _text = text;

        public readonly List<(int Start, int Length)> Ranges => ranges;

        public readonly void OnPiece(ReadOnlySpan<char> piece)
        {
            _text.Overlaps(piece, out var offset);
            ranges.Add((offset, piece.Length));
        }
    }
}
