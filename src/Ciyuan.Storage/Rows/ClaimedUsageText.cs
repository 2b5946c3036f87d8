using System.Globalization;
using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Rows;

/// <summary>The <c>claimed_usage</c> column: an upstream's suspect usage claim as a small JSON object, for both backends.</summary>
internal static class ClaimedUsageText
{
    public static string? Write(TokenUsage? claimed) => claimed is not { } usage ? null : string.Create(CultureInfo.InvariantCulture,
        $$"""{"input_uncached":{{usage.InputUncached}},"cache_read":{{usage.CacheRead}},"cache_write":{{usage.CacheWrite}},"output":{{usage.Output}},"reasoning":{{usage.Reasoning}}}""");

    public static TokenUsage? Read(string? text)
    {
        if (text is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        return new TokenUsage(
            root.GetProperty("input_uncached").GetInt64(),
            root.GetProperty("cache_read").GetInt64(),
            root.GetProperty("cache_write").GetInt64(),
            root.GetProperty("output").GetInt64(),
            root.GetProperty("reasoning").GetInt64());
    }
}
