using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>
/// Reserve → settle, idempotent per request id, all lines checked atomically. The settlement itself
/// (the <c>commit</c> or <c>release</c> entry) is written by <see cref="IUsageLedger"/> in the same
/// transaction as the request's usage record (<see cref="UsageRecord.Hold"/>), so a request is
/// either settled or in doubt, never both — and the hold is freed only once that record is durable.
/// </summary>
public interface IBudgetLedger
{
    /// <summary>
    /// Holds <see cref="BudgetHold.Lines"/> all or none. When granted, the hold entry is durable
    /// before this returns: the request may then leave for the upstream.
    /// </summary>
    ValueTask<ReservationOutcome> ReserveAsync(BudgetHold hold, IReadOnlyList<BudgetLine> lines, CancellationToken cancellationToken);

    /// <summary>Durably notes that the request is now trying another deployment (a fallback), so an in-doubt record names where it went.</summary>
    ValueTask RecordAttemptAsync(string requestId, int attempt, string provider, string deployment, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a hold back when its request ended without a usage record to settle it (nothing was
    /// sent, or the request was abandoned before its first attempt finished): writes the
    /// <c>release</c> entry and frees the held amount. Harmless after a settlement.
    /// </summary>
    ValueTask ReleaseAsync(BudgetHold hold, CancellationToken cancellationToken);

    /// <summary>Each line in its window at <paramref name="now"/>.</summary>
    ValueTask<IReadOnlyList<BudgetStatus>> StatusAsync(IReadOnlyList<BudgetLine> lines, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Holds of requests in flight when an instance died (released ones too, with when).</summary>
    ValueTask<IReadOnlyList<InDoubtHold>> ListInDoubtAsync(CancellationToken cancellationToken);

    /// <summary>An operator's decision that an in-doubt request cost nothing; false when it is not in doubt.</summary>
    ValueTask<bool> ReleaseInDoubtAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken);
}
