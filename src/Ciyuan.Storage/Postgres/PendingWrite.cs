using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// One thing the PostgreSQL writer makes durable, exactly one of: a new hold (fenced by the
/// instance's lease), a usage record (which settles its hold), the release of a hold no record
/// settles, or a fallback attempt. The writer sets the outcome before it completes the caller.
/// </summary>
internal sealed class PendingWrite
{
    public BudgetHold? Hold { get; init; }

    public UsageRecord? Record { get; init; }

    public BudgetHold? Release { get; init; }

    /// <summary>When the release was decided (Unix ms, the instance's clock).</summary>
    public long ReleasedAt { get; init; }

    public EntryRow? Attempt { get; init; }

    /// <summary>The fence refused the hold: the instance's lease lacked room for it on some line.</summary>
    public bool Refused { get; set; }

    /// <summary>Why the writer left the item out of its batch (data it cannot write); the rest of the batch went on.</summary>
    public Exception? Failure { get; set; }

    /// <summary>The hold's batch committed and the lease book was told (so the hold is no longer pending there).</summary>
    public bool Flushed { get; set; }
}

/// <summary>One <c>budget_entries</c> row written by the ledger writer.</summary>
internal sealed record EntryRow(string RequestId, string Kind, int Seq, long At, string Provider, string Deployment, long AmountMicros);
