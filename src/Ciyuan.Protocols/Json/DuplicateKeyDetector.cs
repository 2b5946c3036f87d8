using System.Buffers;
using System.Text.Json;

namespace Ciyuan.Protocols.Json;

/// <summary>
/// Notices a member name repeated within one JSON object. Names are compared unescaped
/// (<c>"max\u005ftokens"</c> is <c>max_tokens</c>), because parsers disagree on which duplicate wins:
/// a gateway that reads the first while an upstream reads the last would budget one request and
/// send another. Names are kept in one pooled buffer; objects have few members, so a linear search
/// beats hashing.
/// </summary>
internal struct DuplicateKeyDetector : IDisposable
{
    private byte[]? _names;
    private int[]? _ends;
    private int _count;

    /// <summary>Records the property name under the reader; false when the object already had it.</summary>
    public bool Add(ref Utf8JsonReader reader)
    {
        Span<byte> scratch = stackalloc byte[256];
        scoped ReadOnlySpan<byte> name;
        if (!reader.ValueIsEscaped)
        {
            name = reader.ValueSpan;
        }
        else if (reader.ValueSpan.Length <= scratch.Length)
        {
            name = scratch[..reader.CopyString(scratch)];
        }
        else
        {
            name = System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
        }

        var start = 0;
        for (var i = 0; i < _count; i++)
        {
            var end = _ends![i];
            if (_names.AsSpan(start, end - start).SequenceEqual(name))
            {
                return false;
            }

            start = end;
        }

        Append(name, start);
        return true;
    }

    private void Append(ReadOnlySpan<byte> name, int used)
    {
        if (_names is null || used + name.Length > _names.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(256, (used + name.Length) * 2));
            _names?.AsSpan(0, used).CopyTo(bigger);
            if (_names is not null)
            {
                ArrayPool<byte>.Shared.Return(_names);
            }

            _names = bigger;
        }

        if (_ends is null || _count == _ends.Length)
        {
            var bigger = ArrayPool<int>.Shared.Rent(Math.Max(16, _count * 2));
            _ends?.AsSpan(0, _count).CopyTo(bigger);
            if (_ends is not null)
            {
                ArrayPool<int>.Shared.Return(_ends);
            }

            _ends = bigger;
        }

        name.CopyTo(_names.AsSpan(used));
        _ends[_count++] = used + name.Length;
    }

    public void Dispose()
    {
        if (_names is not null)
        {
            ArrayPool<byte>.Shared.Return(_names);
            _names = null;
        }

        if (_ends is not null)
        {
            ArrayPool<int>.Shared.Return(_ends);
            _ends = null;
        }

        _count = 0;
    }
}
