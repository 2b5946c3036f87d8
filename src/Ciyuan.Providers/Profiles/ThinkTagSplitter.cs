namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Splits a leading <c>&lt;think&gt;…&lt;/think&gt;</c> block out of a choice's content, fed one piece
/// at a time so a tag cut across stream chunks (<c>"&lt;thi"</c> + <c>"nk&gt;"</c>) is still found:
/// text that might be the start of a tag is held back until the next piece decides it.
/// Only a think block at the very start of the content counts (leading whitespace allowed): that is
/// where chat templates put it, and it keeps ordinary answers that mention the tag intact.
/// Newlines right after <c>&lt;/think&gt;</c> are dropped (the template's separator, not the answer).
/// </summary>
internal sealed class ThinkTagSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    private Phase _phase = Phase.Start;
    private string _pending = string.Empty;

    private enum Phase
    {
        Start,
        Inside,
        AfterThink,
        Done,
    }

    /// <summary>True once the content is known to hold no more think text: later pieces pass through.</summary>
    public bool IsDone => _phase == Phase.Done && _pending.Length == 0;

    /// <summary>
    /// True when <see cref="Process"/> would give <paramref name="piece"/> back unchanged with no
    /// reasoning — nothing held back, and the piece empty, or past the think block, or (at the
    /// start) opening with anything but whitespace or <c>&lt;</c> — and the state then moves as
    /// <see cref="Process"/> would move it. False changes nothing: the piece needs <see cref="Process"/>.
    /// </summary>
    public bool TryPassThrough(string piece)
    {
        if (_pending.Length > 0)
        {
            return false;
        }

        if (_phase == Phase.Done || piece.Length == 0)
        {
            return _phase is Phase.Done or Phase.Start;
        }

        if (_phase != Phase.Start || char.IsWhiteSpace(piece[0]) || piece[0] == '<')
        {
            return false;
        }

        _phase = Phase.Done;
        return true;
    }

    /// <summary>Splits the next piece of content into reasoning and visible content.</summary>
    public (string Reasoning, string Content) Process(string piece)
    {
        var text = _pending.Length == 0 ? piece : _pending + piece;
        _pending = string.Empty;
        var reasoning = string.Empty;
        while (true)
        {
            switch (_phase)
            {
                case Phase.Start:
                    var trimmed = text.TrimStart();
                    if (trimmed.StartsWith(Open, StringComparison.Ordinal))
                    {
                        _phase = Phase.Inside;
                        text = trimmed[Open.Length..];
                        continue;
                    }

                    if (Open.StartsWith(trimmed, StringComparison.Ordinal))
                    {
                        // Only whitespace or a partial "<think>" so far: undecided, hold it.
                        _pending = text;
                        return (reasoning, string.Empty);
                    }

                    _phase = Phase.Done;
                    return (reasoning, text);

                case Phase.Inside:
                    var close = text.IndexOf(Close, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        reasoning += text[..close];
                        text = text[(close + Close.Length)..];
                        _phase = Phase.AfterThink;
                        continue;
                    }

                    var held = PartialSuffix(text, Close);
                    _pending = text[(text.Length - held)..];
                    return (reasoning + text[..(text.Length - held)], string.Empty);

                case Phase.AfterThink:
                    var rest = text.TrimStart('\r', '\n');
                    if (rest.Length == 0)
                    {
                        return (reasoning, string.Empty);
                    }

                    _phase = Phase.Done;
                    return (reasoning, rest);

                default:
                    return (reasoning, text);
            }
        }
    }

    /// <summary>At the end of the choice: releases held-back text where it belongs.</summary>
    public (string Reasoning, string Content) Flush()
    {
        var pending = _pending;
        _pending = string.Empty;
        var inside = _phase == Phase.Inside;
        _phase = Phase.Done;
        return inside ? (pending, string.Empty) : (string.Empty, pending);
    }

    /// <summary>Length of the longest proper prefix of <paramref name="tag"/> that <paramref name="text"/> ends with.</summary>
    private static int PartialSuffix(string text, string tag)
    {
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(tag.AsSpan(0, length)))
            {
                return length;
            }
        }

        return 0;
    }
}
