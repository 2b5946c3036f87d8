using System.Diagnostics;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;

namespace Ciyuan.Pipeline;

/// <summary>Per-request state shared by the stages of one proxied call.</summary>
internal sealed class RequestContext(string requestId, ClientKey key, string endpoint, string modelAlias, string? runId)
{
    /// <summary>The <c>X-Ciyuan-Policy</c> the request named, tightening its key's policy.</summary>
    public string? RequestPolicy { get; init; }

    public string RequestId { get; } = requestId;

    public ClientKey Key { get; } = key;

    public string Endpoint { get; } = endpoint;

    public string ModelAlias { get; } = modelAlias;

    public string? RunId { get; } = runId;

    public DateTimeOffset ReceivedAt { get; } = DateTimeOffset.UtcNow;

    public long StartedTimestamp { get; } = Stopwatch.GetTimestamp();

    public int Attempts { get; set; }

    public double? FirstTokenMs { get; private set; }

    /// <summary>Cost and currency of the ledger line, once built (for settling the key's budget hold).</summary>
    public MicroUnits Cost { get; private set; }

    public string Currency { get; private set; } = "USD";

    /// <summary>Output tokens of the answer, once its ledger line is built (for the throughput EWMA).</summary>
    public long OutputTokens { get; private set; }

    /// <summary>Token-per-minute counters this request was counted against (corrected with its real use at the end).</summary>
    public List<string>? TokenCharges { get; set; }

    /// <summary>The tokens counted up front against <see cref="TokenCharges"/>.</summary>
    public long EstimatedTokens { get; set; }

    /// <summary>Concurrency slots the request holds until it ends.</summary>
    public IReadOnlyList<Core.Limits.ConcurrencySlot>? ConcurrencySlots { get; set; }

    /// <summary>Prompt plus output tokens of the ledger line, once built.</summary>
    public long TokensUsed { get; private set; }

    /// <summary>Bytes of the prompt as sent (for the estimate when an upstream reports no usage).</summary>
    public long PromptBytes { get; init; }

    /// <summary>The key the client presented: masked in whatever an upstream sends back. Never logged or stored.</summary>
    public string CallerSecret { get; init; } = string.Empty;

    /// <summary>The request asked for log probabilities (each token then carries far more bytes).</summary>
    public bool LogprobsRequested { get; init; }

    /// <summary>Every field of the request that bounds what an upstream may generate.</summary>
    public OutputLimits OutputLimits { get; init; }

    /// <summary>Prompt tokens the upstream's count cannot exceed (exact where a budget covers the request and the tokenizer ships).</summary>
    public long PromptCeiling { get; set; }

    /// <summary>Whom the request is charged to (built once, used by the budget lookup and the hold).</summary>
    public Core.Budgets.ChargeTarget? ChargeTarget { get; set; }

    /// <summary>The budget lines covering the request, once looked up.</summary>
    public IReadOnlyList<Core.Budgets.BudgetLine>? CoveringLines { get; set; }

    /// <summary>The request's budget hold, once granted; its usage record settles it.</summary>
    public Core.Budgets.BudgetHold? Hold { get; set; }

    /// <summary>True once the ledger line was built (it carries the hold, so writing it settles the hold).</summary>
    public bool RecordBuilt { get; private set; }

    private int _limitsSettled;

    public void MarkFirstToken() => FirstTokenMs ??= ElapsedMs;

    /// <summary>True the first time only: the request's limit counters are settled once.</summary>
    public bool TrySettleLimits() => Interlocked.Exchange(ref _limitsSettled, 1) == 0;

    public double ElapsedMs => Stopwatch.GetElapsedTime(StartedTimestamp).TotalMilliseconds;

    /// <summary>
    /// Builds the ledger line for this request as it ended. Reported usage is checked against the
    /// request's ceiling on <paramref name="deployment"/> (suspect usage is counted within it); without
    /// a report the usage is estimated from the bytes that passed.
    /// </summary>
    public UsageRecord ToRecord(DeploymentConfig deployment, IPriceQuote? price, TokenCeiling ceiling, AnswerTally tally, string status, int httpStatus, string? error, bool streamed)
    {
        var estimated = tally.Reported is null;
        var check = tally.Reported is { } reported
            ? UsageCheck.Count(reported, ceiling)
            : new CheckedUsage(UsageCheck.Bound(UsageEstimator.Estimate(PromptBytes, tally.GeneratedBytes), ceiling), false, default);
        if (tally.OutputCut)
        {
            // The upstream ran past the request's limit and was cut off: it generated at least the ceiling.
            check = check with { Counted = check.Counted with { Output = ceiling.OutputTokens }, Suspect = true };
        }

        var usage = check.Counted;
        var cost = price?.Cost(usage, ReceivedAt) ?? MicroUnits.Zero;
        OutputTokens = usage.Output;
        TokensUsed = usage.InputUncached + usage.CacheRead + usage.CacheWrite + usage.Output;
        Cost = cost;
        Currency = price?.Currency ?? "USD";
        RecordBuilt = true;
        return new UsageRecord
        {
            RequestId = RequestId,
            CreatedAt = ReceivedAt,
            KeyId = Key.Id,
            RunId = RunId,
            Project = Key.Project,
            Hold = Hold,
            Endpoint = Endpoint,
            ModelAlias = ModelAlias,
            Provider = deployment.Provider.Name,
            Deployment = deployment.Id,
            UpstreamModel = deployment.UpstreamModel,
            Jurisdiction = deployment.Provider.Jurisdiction,
            Usage = usage,
            UsageEstimated = estimated,
            UsageSuspect = check.Suspect,
            ClaimedUsage = check.Suspect && !estimated ? check.Claimed : null,
            Cost = cost,
            Currency = price?.Currency ?? "USD",
            Unpriced = price is null,
            Status = status,
            HttpStatus = httpStatus,
            Error = error,
            Streamed = streamed,
            Attempts = Attempts,
            LatencyMs = ElapsedMs,
            TimeToFirstTokenMs = FirstTokenMs,
        };
    }
}
