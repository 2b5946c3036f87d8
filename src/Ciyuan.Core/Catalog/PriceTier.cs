namespace Ciyuan.Core.Catalog;

/// <summary>
/// One row of a price sheet: prices per million tokens that apply to prompts up to
/// <see cref="MaxInputTokens"/> and, when <see cref="WindowsUtc"/> is not empty, only inside
/// those time windows.
/// </summary>
public sealed record PriceTier
{
    /// <summary>Largest prompt (input) size this tier covers; null means no upper bound.</summary>
    public long? MaxInputTokens { get; init; }

    /// <summary>When the tier applies, in UTC; empty means at any time.</summary>
    public IReadOnlyList<PriceWindow> WindowsUtc { get; init; } = [];

    /// <summary>Cache-miss input price per million tokens.</summary>
    public required decimal Input { get; init; }

    /// <summary>Cache-hit input price per million tokens; null = unknown, charged as <see cref="Input"/>.</summary>
    public decimal? CacheHit { get; init; }

    /// <summary>Cache-write (creation) price per million tokens; null = unknown, charged as <see cref="Input"/>.</summary>
    public decimal? CacheWrite { get; init; }

    /// <summary>Output price per million tokens (reasoning tokens are output).</summary>
    public required decimal Output { get; init; }

    /// <summary>True when the tier has no time windows or one of them contains <paramref name="at"/>.</summary>
    public bool AppliesAt(DateTimeOffset at)
    {
        if (WindowsUtc.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < WindowsUtc.Count; i++)
        {
            if (WindowsUtc[i].Contains(at))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a prompt of <paramref name="promptTokens"/> tokens is within this tier's band.</summary>
    public bool Fits(long promptTokens) => MaxInputTokens is null || promptTokens <= MaxInputTokens.Value;
}
