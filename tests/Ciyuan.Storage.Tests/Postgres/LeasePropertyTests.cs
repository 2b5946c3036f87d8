using Ciyuan.Core.Budgets;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// The lease protocol under random interleavings, on a real PostgreSQL with three instances whose
/// clocks move only when the test says: reserve (on one or two lines), settle, release, renew,
/// local clocks jumping past a lease, leases expiring in the database and being reclaimed, instances
/// dying with holds open (and replaced), and reconciliation. After every step each line keeps the
/// invariant — spent + held + leased within the cap, leases escrowing exactly what the line says —
/// and at the end every unit spent is a settled request's cost or an in-doubt hold.
/// </summary>
public sealed class LeasePropertyTests : StorageContract, IAsyncDisposable
{
    private const int Steps = 250;

    private static readonly BudgetLine Wide = Line("project:wide", 60_000, BudgetScopeKind.Project, "research");
    private static readonly BudgetLine Narrow = Line("run:narrow", 25_000);

    private readonly List<PostgresBackend> _open = [];

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await PostgresServer.CreateDatabaseAsync(), instanceId);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomInterleavings_NeverBreakTheInvariant(int seed)
    {
        var random = new Random(seed);
        var database = await PostgresServer.CreateDatabaseAsync();
        var live = new List<Instance>();
        for (var i = 0; i < 3; i++)
        {
            live.Add(await StartAsync(database, $"s{seed}-i{i}"));
        }

        var open = new List<(Instance Owner, BudgetHold Hold)>();
        var dead = new List<BudgetHold>();
        var committed = new Dictionary<string, long>(StringComparer.Ordinal) { [Wide.Id] = 0, [Narrow.Id] = 0 };
        var holds = new Dictionary<string, BudgetHold>(StringComparer.Ordinal);
        var started = 3;

        for (var step = 0; step < Steps; step++)
        {
            var roll = random.Next(100);
            var instance = live[random.Next(live.Count)];
            if (roll < 36)
            {
                var lines = random.Next(3) switch { 0 => new[] { Wide }, 1 => [Narrow], _ => [Wide, Narrow] };
                var hold = Hold($"s{seed}-r{step}", lines, random.Next(1, 900));
                if ((await instance.Store.BudgetLedger.ReserveAsync(hold, lines, CancellationToken.None)).Granted)
                {
                    open.Add((instance, hold));
                    holds[hold.RequestId] = hold;
                }
            }
            else if (roll < 60 && open.Count > 0)
            {
                var (owner, hold) = TakeRandom(open, random);
                var cost = random.Next(0, (int)hold.WorstCaseUsd.Value + 1);
                await owner.Store.Usage.RecordAsync(Record(hold.RequestId, cost, hold), CancellationToken.None);
                foreach (var line in hold.Lines)
                {
                    committed[line.LineId] += cost;
                }
            }
            else if (roll < 68 && open.Count > 0)
            {
                var (owner, hold) = TakeRandom(open, random);
                await owner.Store.BudgetLedger.ReleaseAsync(hold, CancellationToken.None);
            }
            else if (roll < 76)
            {
                await instance.Store.MaintainLeasesAsync(CancellationToken.None);
            }
            else if (roll < 84)
            {
                instance.Clock.Advance(TimeSpan.FromSeconds(random.Next(0, 25)));
            }
            else if (roll < 90)
            {
                var victim = live[random.Next(live.Count)];
                await LeaseBooks.ExecuteAsync(database, "UPDATE budget_leases SET expires_at = 0 WHERE instance = $1;", victim.Id);
                await instance.Store.ReconcileOrphansAsync(CancellationToken.None);
            }
            else if (roll < 94)
            {
                // An instance dies with whatever it held open, and another takes its place.
                live.Remove(instance);
                _open.Remove(instance.Store);
                await instance.Store.AbandonAsync();
                await LeaseBooks.KillInDatabaseAsync(database, instance.Id);
                dead.AddRange(open.Where(o => o.Owner == instance).Select(o => o.Hold));
                open.RemoveAll(o => o.Owner == instance);
                live.Add(await StartAsync(database, $"s{seed}-i{started++}"));
            }
            else
            {
                await instance.Store.ReconcileOrphansAsync(CancellationToken.None);
            }

            await LeaseBooks.AssertInvariantAsync(database, Wide.Id, Wide.Limit.Value);
            await LeaseBooks.AssertInvariantAsync(database, Narrow.Id, Narrow.Limit.Value);
        }

        // The end: the living settle what they hold and stop cleanly; the dead are found by a new instance.
        foreach (var (owner, hold) in open)
        {
            await owner.Store.BudgetLedger.ReleaseAsync(hold, CancellationToken.None);
        }

        foreach (var instance in live)
        {
            _open.Remove(instance.Store);
            await instance.Store.DisposeAsync();
            await LeaseBooks.KillInDatabaseAsync(database, instance.Id);
        }

        var last = await StartAsync(database, $"s{seed}-last");
        await last.Store.ReconcileOrphansAsync(CancellationToken.None);
        var inDoubt = (await last.Store.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).Where(h => h.ReleasedAt is null).ToList();
        _open.Remove(last.Store);
        await last.Store.DisposeAsync();

        foreach (var line in new[] { Wide, Narrow })
        {
            var state = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);
            var doubted = inDoubt.Sum(h => holds[h.RequestId].Lines.Where(l => l.LineId == line.Id).Sum(l => l.Amount.Value));
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{line.Id}: spent {state.TotalSpent} (settled {committed[line.Id]}, in doubt {doubted}) of {line.Limit.Value}; {dead.Count} holds died with their instance");
            Assert.Equal(committed[line.Id] + doubted, state.TotalSpent);
            Assert.Equal((0L, 0L), (state.TotalHeld, state.Leased));
        }

        Assert.All(dead, hold => Assert.Contains(hold.RequestId, inDoubt.Select(h => h.RequestId)));
    }

    private async Task<Instance> StartAsync(string database, string id)
    {
        var clock = new SimulatedClock(Now);
        var store = await PostgresTestStore.OpenInstanceAsync(database, id, TimeSpan.FromMinutes(10), clock, background: false);
        _open.Add(store);
        return new Instance(id, store, clock);
    }

    private static (Instance Owner, BudgetHold Hold) TakeRandom(List<(Instance Owner, BudgetHold Hold)> open, Random random)
    {
        var index = random.Next(open.Count);
        var taken = open[index];
        open.RemoveAt(index);
        return taken;
    }

    public new async ValueTask DisposeAsync()
    {
        foreach (var store in _open)
        {
            await store.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private sealed record Instance(string Id, PostgresBackend Store, SimulatedClock Clock);
}
