namespace Ciyuan.Core.Routing;

/// <summary>
/// Exponentially weighted moving averages kept in a <see cref="long"/> (the bits of a double) so
/// they can be updated lock-free with compare-and-swap. NaN means "no sample yet".
/// </summary>
internal static class Ewma
{
    public static readonly long Unmeasured = BitConverter.DoubleToInt64Bits(double.NaN);

    public static double Read(ref long bits) => BitConverter.Int64BitsToDouble(Volatile.Read(ref bits));

    public static void Add(ref long bits, double sample, double alpha)
    {
        if (!double.IsFinite(sample) || sample < 0)
        {
            return;
        }

        while (true)
        {
            var oldBits = Volatile.Read(ref bits);
            var old = BitConverter.Int64BitsToDouble(oldBits);
            var next = double.IsNaN(old) ? sample : old + (alpha * (sample - old));
            if (Interlocked.CompareExchange(ref bits, BitConverter.DoubleToInt64Bits(next), oldBits) == oldBits)
            {
                return;
            }
        }
    }
}
