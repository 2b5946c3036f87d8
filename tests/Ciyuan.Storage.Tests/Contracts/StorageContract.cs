using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Tests.Contracts;

/// <summary>
/// What every storage backend must do, whatever holds the data. A subclass says how to open a
/// backend on its own fresh database; a second open of the same test opens the same database as
/// another instance (that is how in-doubt holds from a dead instance are made).
/// </summary>
public abstract class StorageContract : IAsyncDisposable
{
    private readonly List<IStorageBackend> _opened = [];

    protected static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Opens this test's database as instance <paramref name="instanceId"/>.</summary>
    protected abstract Task<IStorageBackend> OpenBackendAsync(string instanceId);

    protected async Task<IStorageBackend> OpenAsync(string instanceId = "instance-a")
    {
        var backend = await OpenBackendAsync(instanceId);
        _opened.Add(backend);
        return backend;
    }

    /// <summary>Closes a backend as its instance would stop (or die: nothing is settled on the way out).</summary>
    protected async Task CloseAsync(IStorageBackend backend)
    {
        _opened.Remove(backend);
        await backend.DisposeAsync();
    }

    /// <summary>A directory of this test's own (file-based backends keep their data there); deleted at the end.</summary>
    protected string ScratchDirectory { get; } = Path.Combine(Path.GetTempPath(), "ciyuan-contract-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _opened)
        {
            await backend.DisposeAsync();
        }

        if (Directory.Exists(ScratchDirectory))
        {
            // Pooled SQLite connections keep the file open until cleared.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(ScratchDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected static BudgetLine Line(string id, long limit, BudgetScopeKind scope = BudgetScopeKind.Run, string subject = "run-1",
        BudgetPeriod period = BudgetPeriod.Total, string currency = "USD") => new()
        {
            Id = id,
            Scope = scope,
            Subject = subject,
            Period = period,
            Limit = new MicroUnits(limit),
            Currency = currency,
            Source = "admin",
        };

    protected static BudgetHold Hold(string requestId, IReadOnlyList<BudgetLine> lines, long amount, DateTimeOffset? at = null) => new()
    {
        RequestId = requestId,
        At = at ?? Now,
        Target = new ChargeTarget("key-1", "team", "research", "run-1", "m"),
        Provider = "local",
        Deployment = "local/m",
        WorstCaseUsd = new MicroUnits(amount),
        Lines = [.. lines.Select(l => new HeldLine(l.Id, BudgetWindows.StartOf(l.Period, at ?? Now, TimeZoneInfo.Utc), new MicroUnits(amount), l.Currency))],
    };

    protected static UsageRecord Record(string requestId, long cost, BudgetHold? hold = null, string status = RequestStatus.Ok, string currency = "USD",
        string? project = "research", string? run = "run-1", DateTimeOffset? at = null) => new()
        {
            RequestId = requestId,
            CreatedAt = at ?? hold?.At ?? Now,
            KeyId = "key-1",
            Project = project,
            RunId = run,
            Endpoint = "chat",
            ModelAlias = "m",
            Provider = "local",
            Deployment = "local/m",
            UpstreamModel = "m",
            Jurisdiction = "self-hosted",
            Usage = new TokenUsage(10, 0, 0, 5, 0),
            Cost = new MicroUnits(cost),
            Currency = currency,
            Status = status,
            HttpStatus = status == RequestStatus.Ok ? 200 : 502,
            LatencyMs = 1,
            Hold = hold,
        };

    protected static async Task<BudgetStatus> StatusAsync(IStorageBackend store, BudgetLine line, DateTimeOffset? now = null) =>
        (await store.BudgetLedger.StatusAsync([line], now ?? Now, CancellationToken.None))[0];
}
