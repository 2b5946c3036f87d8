using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Normalizes one upstream stream, chunk by chunk (the JSON payload of each SSE <c>data:</c> event;
/// not <c>[DONE]</c> or comments). Holds the think-tag state of each choice so a tag split across
/// chunks is still recognised. Not thread-safe: one instance per stream, used by its relay loop.
/// </summary>
public sealed class StreamNormalizer
{
    private readonly ProviderProfile _profile;
    // Made only for a profile with rules: a stream from a vendor that needs none costs no more than this object.
    private readonly ResponseSignals? _signals;
    private Dictionary<int, ThinkTagSplitter>? _splitters;
    private bool _thinkTagsSettled;

    internal StreamNormalizer(ProviderProfile profile)
    {
        _profile = profile;
        _signals = profile.HasResponseRules ? new ResponseSignals(profile) : null;
        _thinkTagsSettled = !profile.ExtractThinkTags;
    }

    /// <summary>Returns the rewritten payload, or null to forward the chunk unchanged.</summary>
    public byte[]? Normalize(ReadOnlySpan<byte> chunk)
    {
        if (_signals is null)
        {
            return null;
        }

        // Until the start of each choice's content is seen (and while a think block is open) every
        // chunk with content must be parsed; after that only the other rules' signals matter.
        var thinkTags = !_thinkTagsSettled && (chunk.IndexOf("\"content\""u8) >= 0 || chunk.IndexOf("\"finish_reason\""u8) >= 0);
        var otherRules = _signals.MayNeedRewrite(chunk);
        if (!otherRules && (!thinkTags || PassesThinkTags(chunk)))
        {
            return null;
        }

        if (ResponseNormalizer.Parse(chunk) is not { } root)
        {
            return null;
        }

        var changed = ChunkRewriter.Rewrite(root, _profile, thinkTags ? SplitterFor : _ => null, stream: true);
        if (thinkTags)
        {
            SettleThinkTags();
        }

        return changed ? JsonOutput.ToBytes(root) : null;
    }

    /// <summary>
    /// A plain text chunk (one choice, text and perhaps a finish reason, nothing else) whose text the
    /// think-tag splitter passes through untouched: settled without building a document, the way
    /// almost every chunk of an answer without a think block is.
    /// </summary>
    private bool PassesThinkTags(ReadOnlySpan<byte> chunk)
    {
        if (!OpenAIPlainChunk.TryRead(chunk, out var text, out var finish, out var index)
            || (finish is not null && _profile.FinishReasonMap.ContainsKey(finish))
            || !SplitterFor(index).TryPassThrough(text ?? ""))
        {
            return false;
        }

        if (finish is not null)
        {
            // The choice's end: nothing was held back, so its flush releases nothing.
            _splitters![index].Flush();
        }

        SettleThinkTags();
        return true;
    }

    /// <summary>Once every choice seen is past its think block, chunks need no more parsing for it.</summary>
    private void SettleThinkTags() =>
        _thinkTagsSettled = _splitters is { Count: > 0 } splitters && splitters.Values.All(splitter => splitter.IsDone);

    private ThinkTagSplitter SplitterFor(int index)
    {
        _splitters ??= [];
        if (!_splitters.TryGetValue(index, out var splitter))
        {
            splitter = new ThinkTagSplitter();
            _splitters[index] = splitter;
        }

        return splitter;
    }
}
