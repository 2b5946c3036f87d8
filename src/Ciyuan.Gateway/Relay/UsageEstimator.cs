using Ciyuan.Core.Metering;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// Token counts for when an upstream reports none: UTF-8 bytes ÷ 4, rounded up. Rows built from
/// it are flagged <c>usage_estimated</c> and must never be presented as exact.
/// </summary>
internal static class UsageEstimator
{
    public static TokenUsage Estimate(long promptBytes, long generatedBytes) =>
        new(Tokens(promptBytes), 0, 0, Tokens(generatedBytes), 0);

    private static long Tokens(long bytes) => (bytes + 3) / 4;
}
