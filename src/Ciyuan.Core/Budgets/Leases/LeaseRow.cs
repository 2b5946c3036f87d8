namespace Ciyuan.Core.Budgets.Leases;

/// <summary>
/// An instance's lease on one line and window as the database last wrote it: <see cref="Granted"/>
/// escrowed in all, <see cref="Held"/> by its open holds, <see cref="Spent"/> by its settled requests
/// (not yet folded into the line's spent), and <see cref="Version"/>, which grows with every change,
/// so an older snapshot never overwrites a newer one. A renewal also reports the line around it:
/// <see cref="Room"/> (what no instance has leased, spent or held), <see cref="OthersFree"/> (the
/// unused part of other instances' leases) and <see cref="LineHeld"/> (every instance's open holds).
/// </summary>
public sealed record LeaseRow(SliceKey Key, long Granted, long Held, long Spent, long Version)
{
    public long Room { get; init; }

    public long OthersFree { get; init; }

    public long LineHeld { get; init; }

    /// <summary>True when this snapshot came from a renewal (it carries the line's room).</summary>
    public bool FromRenewal { get; init; }
}
