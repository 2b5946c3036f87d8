using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>
/// A request's reservation: the worst case it may cost, held on every line that covers it before
/// it leaves for an upstream. Written durably (the <c>hold</c> ledger entry) so that a crash leaves
/// an in-doubt record instead of a request that vanished.
/// </summary>
public sealed record BudgetHold
{
    public required string RequestId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required ChargeTarget Target { get; init; }

    /// <summary>The provider and deployment of the first attempt.</summary>
    public required string Provider { get; init; }

    public required string Deployment { get; init; }

    /// <summary>The worst case, always in micro-USD (prices in CNY converted at the configured rate).</summary>
    public required MicroUnits WorstCaseUsd { get; init; }

    /// <summary>What is held on each covering line, in that line's currency and window.</summary>
    public required IReadOnlyList<HeldLine> Lines { get; init; }
}

/// <summary>The part of a hold that sits on one budget line, in that line's currency.</summary>
public readonly record struct HeldLine(string LineId, DateTimeOffset WindowStart, MicroUnits Amount, string Currency);
