using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Ciyuan.Tokenizers.Bpe;

/// <summary>
/// Byte-level BPE over one pre-tokenized piece: UTF-8 bytes, one initial part per byte, then merges. Two rule
/// sets: Hugging Face merges (<see cref="PairMergeTable"/>) and tiktoken ranks (whole piece looked up first,
/// then merges by the rank of the concatenated bytes).
/// </summary>
internal sealed class BpeModel
{
    private const int StackBytes = 384;

    private readonly ByteSequenceTable _tokens;
    private readonly PairMergeTable? _merges;
    private readonly bool _wholePieceFirst;
    private readonly int[] _byteIds = new int[256];
    private readonly PieceCache _cache = new();

    /// <summary>Creates a Hugging Face BPE model; <paramref name="ignoreMerges"/> mirrors the tokenizer.json flag.</summary>
    public BpeModel(ByteSequenceTable tokens, PairMergeTable merges, bool ignoreMerges)
        : this(tokens, merges, ignoreMerges, "vocabulary")
    {
    }

    /// <summary>Creates a tiktoken model: ids are ranks.</summary>
    public BpeModel(ByteSequenceTable ranks)
        : this(ranks, null, true, "rank file")
    {
    }

    private BpeModel(ByteSequenceTable tokens, PairMergeTable? merges, bool wholePieceFirst, string what)
    {
        _tokens = tokens;
        _merges = merges;
        _wholePieceFirst = wholePieceFirst;
        Span<byte> one = stackalloc byte[1];
        for (var b = 0; b < 256; b++)
        {
            one[0] = (byte)b;
            _byteIds[b] = tokens.Find(one);
            if (_byteIds[b] < 0)
            {
                throw new InvalidDataException($"The {what} has no token for byte 0x{b:X2}; only byte-level BPE is supported.");
            }
        }
    }

    public ByteSequenceTable Tokens => _tokens;

    /// <summary>Number of tokens in <paramref name="piece"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Count(ReadOnlySpan<char> piece)
    {
        if (piece.Length == 1 && piece[0] < 0x80)
        {
            return 1;
        }

        var cached = piece.Length <= PieceCache.MaxPieceLength ? _cache.Get(piece) : null;
        return cached?.Length ?? EncodeUncached(piece, null);
    }

    /// <summary>Appends the ids of <paramref name="piece"/> to <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<char> piece, List<int> output)
    {
        if (piece.Length == 1 && piece[0] < 0x80)
        {
            output.Add(_byteIds[piece[0]]);
            return;
        }

        var cached = piece.Length <= PieceCache.MaxPieceLength ? _cache.Get(piece) : null;
        if (cached is not null)
        {
            output.AddRange(cached);
            return;
        }

        EncodeUncached(piece, output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int EncodeUncached(ReadOnlySpan<char> piece, List<int>? output)
    {
        var maxBytes = piece.Length * 3;
        byte[]? rentedBytes = null;
        int[]? rentedIds = null;
        var bytes = maxBytes <= StackBytes ? stackalloc byte[StackBytes] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        var ids = maxBytes <= StackBytes ? stackalloc int[StackBytes] : (rentedIds = ArrayPool<int>.Shared.Rent(maxBytes));
        try
        {
            var byteCount = Encoding.UTF8.GetBytes(piece, bytes);     // unpaired surrogates -> EF BF BD, as the reference
            var utf8 = bytes[..byteCount];
            int count;
            var whole = _wholePieceFirst ? _tokens.Find(utf8) : -1;
            if (whole >= 0)
            {
                ids[0] = whole;
                count = 1;
            }
            else
            {
                for (var i = 0; i < byteCount; i++)
                {
                    ids[i] = _byteIds[utf8[i]];
                }

                count = _merges is not null
                    ? BpeMerger.Merge(new PairMergeRule(_merges), utf8, ids[..byteCount])
                    : BpeMerger.Merge(new RankMergeRule(_tokens), utf8, ids[..byteCount]);
            }

            var result = ids[..count];
            if (piece.Length <= PieceCache.MaxPieceLength)
            {
                _cache.Set(piece, result.ToArray());
            }

            if (output is not null)
            {
                foreach (var id in result)
                {
                    output.Add(id);
                }
            }

            return count;
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
                ArrayPool<int>.Shared.Return(rentedIds!);
            }
        }
    }
}
