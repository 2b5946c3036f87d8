using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>
/// Whether a hold was granted. When refused, <see cref="Refused"/> is the first line that lacked
/// room, <see cref="Remaining"/> what that line had left and <see cref="Needed"/> what the request
/// needed on it (both in the line's currency).
/// </summary>
public sealed record ReservationOutcome(bool Granted, BudgetLine? Refused, MicroUnits Remaining, MicroUnits Needed)
{
    public static ReservationOutcome Grant { get; } = new(true, null, MicroUnits.Zero, MicroUnits.Zero);

    public static ReservationOutcome Refuse(BudgetLine line, MicroUnits remaining, MicroUnits needed) => new(false, line, remaining, needed);
}
