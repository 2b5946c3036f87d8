using System.Text;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Byte searches that decide, without parsing, whether a body can need any response rule. Vectorised
/// <c>IndexOf</c> over a chunk costs far less than building a DOM, and most chunks match nothing.
/// </summary>
internal sealed class ResponseSignals
{
    private readonly byte[][] _finishReasons;

    public ResponseSignals(ProviderProfile profile)
    {
        Profile = profile;
        _finishReasons = [.. profile.FinishReasonMap.Keys.Select(key => Encoding.UTF8.GetBytes($"\"{key}\""))];
        _cachedField = profile.CachedTokensField is { } field ? Encoding.UTF8.GetBytes($"\"{field}\"") : null;
    }

    private readonly byte[]? _cachedField;

    public ProviderProfile Profile { get; }

    /// <summary>True when some rule other than think-tag splitting may apply.</summary>
    public bool MayNeedRewrite(ReadOnlySpan<byte> body)
    {
        var profile = Profile;
        if (profile.ReasoningField == ReasoningFields.Reasoning && body.IndexOf("\"reasoning\""u8) >= 0)
        {
            return true;
        }

        if (profile.ReasoningField is ReasoningFields.ReasoningDetails or ReasoningFields.ThinkTags && body.IndexOf("\"reasoning_details\""u8) >= 0)
        {
            return true;
        }

        if (profile.UsageInChoice && body.IndexOf("\"usage\""u8) >= 0)
        {
            return true;
        }

        if (_cachedField is not null && body.IndexOf(_cachedField) >= 0)
        {
            return true;
        }

        foreach (var reason in _finishReasons)
        {
            if (body.IndexOf(reason) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A think tag may be present (also as Go-style <c>\u003c</c> escapes).</summary>
    public static bool MayHoldThinkTag(ReadOnlySpan<byte> body) =>
        body.IndexOf("<think>"u8) >= 0 || body.IndexOf("\\u003cthink\\u003e"u8) >= 0;
}
