namespace Ciyuan.Core.Budgets.Leases;

/// <summary>
/// What the lease book said about a hold: granted from the instance's slices (then it is pending
/// until the database has it), or short on some lines, each with what it needs.
/// </summary>
public sealed record HoldDecision(bool Granted, IReadOnlyList<(SliceKey Key, long Need)> Short)
{
    public static HoldDecision Grant { get; } = new(true, []);
}
