namespace Ciyuan.Core.Budgets.Leases;

/// <summary>A budget line in one window (Unix milliseconds): what a lease is taken on.</summary>
public readonly record struct SliceKey(string LineId, long WindowStart)
{
    public static SliceKey Of(HeldLine line) => new(line.LineId, line.WindowStart.ToUnixTimeMilliseconds());
}
