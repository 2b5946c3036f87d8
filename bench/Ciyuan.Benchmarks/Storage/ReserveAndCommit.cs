using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>One request's budget work as the request path does it, shared by the backend benchmarks: reserve on three lines, settle with the usage record.</summary>
internal static class ReserveAndCommit
{
    public static readonly BudgetLine[] Lines =
    [
        Line("bench:key", BudgetScopeKind.Key, "key_bench"),
        Line("bench:project", BudgetScopeKind.Project, "bench"),
        Line("bench:run", BudgetScopeKind.Run, "run_bench"),
    ];

    public static async Task OneAsync(Ciyuan.Storage.IStorageBackend store, string requestId)
    {
        var hold = new BudgetHold
        {
            RequestId = requestId,
            At = DateTimeOffset.UtcNow,
            Target = new ChargeTarget("key_bench", "bench", "bench", "run_bench", "m"),
            Provider = "stub",
            Deployment = "stub/m",
            WorstCaseUsd = new MicroUnits(40),
            Lines = [.. Lines.Select(l => new HeldLine(l.Id, DateTimeOffset.UnixEpoch, new MicroUnits(40), "USD"))],
        };
        var outcome = await store.BudgetLedger.ReserveAsync(hold, Lines, CancellationToken.None).ConfigureAwait(false);
        if (!outcome.Granted)
        {
            throw new InvalidOperationException("the benchmark budget ran out");
        }

        await store.Usage.RecordAsync(Record(requestId, hold), CancellationToken.None).ConfigureAwait(false);
    }

    private static BudgetLine Line(string id, BudgetScopeKind scope, string subject) => new()
    {
        Id = id,
        Scope = scope,
        Subject = subject,
        Limit = MicroUnits.FromDecimal(1_000_000_000m),
        Currency = "USD",
        Source = "admin",
    };

    /// <summary>A settled request's ledger line, as the benchmarks write it (with its hold, when it has one).</summary>
    public static UsageRecord Record(string requestId, BudgetHold? hold) => new()
    {
        RequestId = requestId,
        CreatedAt = hold?.At ?? DateTimeOffset.UtcNow,
        KeyId = "key_bench",
        Project = "bench",
        RunId = "run_bench",
        Endpoint = "chat",
        ModelAlias = "m",
        Provider = "stub",
        Deployment = "stub/m",
        UpstreamModel = "m",
        Jurisdiction = "self-hosted",
        Usage = new TokenUsage(30, 0, 0, 20, 0),
        Cost = new MicroUnits(17),
        Currency = "USD",
        Status = RequestStatus.Ok,
        HttpStatus = 200,
        LatencyMs = 1.5,
        Hold = hold,
    };
}
