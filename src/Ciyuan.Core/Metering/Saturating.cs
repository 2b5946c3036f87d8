namespace Ciyuan.Core.Metering;

/// <summary>Token arithmetic that stops at the ends of <see cref="long"/> instead of wrapping: an upstream's claim can be anything.</summary>
public static class Saturating
{
    public static long Add(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    public static long Subtract(long a, long b) =>
        b == long.MinValue ? Add(Add(a, long.MaxValue), 1) : Add(a, -b);
}
