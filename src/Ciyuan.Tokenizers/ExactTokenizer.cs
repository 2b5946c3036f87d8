using System.Runtime.CompilerServices;
using System.Text;
using Ciyuan.Tokenizers.Bpe;
using Ciyuan.Tokenizers.Chat;
using Ciyuan.Tokenizers.Normalization;
using Ciyuan.Tokenizers.PreTokenization;
using Ciyuan.Tokenizers.Text;

namespace Ciyuan.Tokenizers;

/// <summary>
/// A byte-level BPE tokenizer assembled from a tokenizer file: added-token split (raw, then normalized), optional
/// NFC, pre-tokenizer, BPE model. Mirrors the Hugging Face tokenizers pipeline with add_special_tokens=false.
/// </summary>
internal sealed class ExactTokenizer : ITokenizer
{
    private readonly AddedTokenMatcher? _rawAdded;
    private readonly AddedTokenMatcher? _normalizedAdded;
    private readonly bool _nfc;
    private readonly PreTokenizer _preTokenizer;
    private readonly BpeModel _model;
    private readonly Dictionary<int, byte[]> _addedById;
    private readonly IChatFormat _chat;
    private readonly bool _cuttable;

    public ExactTokenizer(
        string family,
        BpeModel model,
        PreTokenizer preTokenizer,
        bool nfc,
        IReadOnlyList<AddedToken> addedTokens,
        IChatFormat chat)
    {
        Family = family;
        _model = model;
        _preTokenizer = preTokenizer;
        _nfc = nfc;
        _chat = chat;
        AddedTokens = addedTokens;
        var raw = addedTokens.Where(t => !t.Normalized).ToList();
        var normalized = addedTokens.Where(t => t.Normalized).ToList();
        _rawAdded = raw.Count > 0 ? new AddedTokenMatcher(raw.Select(t => KeyValuePair.Create(t.Content, t.Id))) : null;
        _normalizedAdded = normalized.Count > 0 ? new AddedTokenMatcher(normalized.Select(t => KeyValuePair.Create(t.Content, t.Id))) : null;
        _addedById = [];
        foreach (var t in addedTokens)
        {
            _addedById[t.Id] = Encoding.UTF8.GetBytes(t.Content);
        }

        // A cut after a line feed is safe when the pre-tokenizer always ends a piece there and no added token
        // could be matched across it (one holding a line feed could). NFC never joins or reorders across a line
        // feed followed by a letter: a line feed composes with nothing, and the letters allowed after it are
        // starters that stay as they are.
        _cuttable = preTokenizer.EndsPieceAfterLineFeedBeforeLetter && !addedTokens.Any(t => t.Content.Contains('\n', StringComparison.Ordinal));
    }

    public string Family { get; }

    public bool IsExact => true;

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    internal BpeModel Model => _model;

    public int CountTokens(ReadOnlySpan<char> text)
    {
        var sink = new CountSink(_model);
        Run(text, ref sink);
        return sink.Count;
    }

    /// <summary>Counts <paramref name="text"/> with special/added-token strings treated as plain text
    /// (how OpenAI counts message content).</summary>
    public int CountOrdinaryTokens(ReadOnlySpan<char> text)
    {
        var sink = new CountSink(_model);
        if (_nfc && !Nfc.IsQuickNormalized(text))
        {
            text = Nfc.Normalize(text);
        }

        _preTokenizer.Split(text, ref sink);
        return sink.Count;
    }

    public IReadOnlyList<int> EncodeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sink = new ListSink(_model, new List<int>((text.Length / 3) + 4));
        Run(text, ref sink);
        return sink.Ids;
    }

    public void AppendIds(ReadOnlySpan<char> text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sink = new ListSink(_model, ids);
        Run(text, ref sink);
    }

    /// <summary>The last line feed followed by an ASCII letter or a CJK ideograph (see the constructor for why that is safe).</summary>
    public int LastSafeCut(ReadOnlySpan<char> text)
    {
        if (!_cuttable)
        {
            return -1;
        }

        // A cut needs a character after it, so the last character is never the line feed looked for.
        var end = text.Length - 1;
        while (end > 0)
        {
            var lineFeed = text[..end].LastIndexOf('\n');
            if (lineFeed < 0)
            {
                return -1;
            }

            var next = text[lineFeed + 1];
            if (char.IsAsciiLetter(next) || next is >= '\u4E00' and <= '\u9FFF')
            {
                return lineFeed + 1;
            }

            end = lineFeed;
        }

        return -1;
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                bytes.AddRange(added);
            }
            else
            {
                foreach (var b in _model.Tokens.Bytes(id))
                {
                    bytes.Add(b);
                }
            }
        }

        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    public int CountChat(ChatTokenCountRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _chat.Count(this, request);
    }

    // The loops of a count — here, in the scanners and in the merge loop — are compiled optimised on their
    // first call: with tiered compilation a large input spends its first second in unoptimised and
    // instrumented code, and parallel chunks of it gained little from a second core.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        if (_rawAdded is null)
        {
            Segment(text, ref sink);
            return;
        }

        while (!text.IsEmpty)
        {
            if (!_rawAdded.TryFind(text, out var index, out var length, out var id))
            {
                Segment(text, ref sink);
                return;
            }

            if (index > 0)
            {
                Segment(text[..index], ref sink);
            }

            sink.OnAdded(id);
            text = text[(index + length)..];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Segment<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        if (_nfc && !Nfc.IsQuickNormalized(text))
        {
            text = Nfc.Normalize(text);
        }

        if (_normalizedAdded is null)
        {
            _preTokenizer.Split(text, ref sink);
            return;
        }

        while (!text.IsEmpty)
        {
            if (!_normalizedAdded.TryFind(text, out var index, out var length, out var id))
            {
                _preTokenizer.Split(text, ref sink);
                return;
            }

            if (index > 0)
            {
                _preTokenizer.Split(text[..index], ref sink);
            }

            sink.OnAdded(id);
            text = text[(index + length)..];
        }
    }

    private interface ITokenSink : IPieceSink
    {
        void OnAdded(int id);
    }

    private struct CountSink(BpeModel model) : ITokenSink
    {
        public int Count;

        public void OnAdded(int id) => Count++;

        public void OnPiece(ReadOnlySpan<char> piece) => Count += model.Count(piece);
    }

    private readonly struct ListSink(BpeModel model, List<int> ids) : ITokenSink
    {
        public List<int> Ids => ids;

        public void OnAdded(int id) => ids.Add(id);

        public void OnPiece(ReadOnlySpan<char> piece) => model.Encode(piece, ids);
    }
}
