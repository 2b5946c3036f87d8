using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Benchmarks.HotPaths;

/// <summary>
/// The budget check of a single instance: the in-memory book holds a request's worst case on its three lines
/// (key, project, run) all or none, then settles the hold with what the request cost — what the SQLite
/// budget ledger does around the journal append and the usage record.
/// </summary>
internal sealed class BudgetHoldAndSettle : IHotPath
{
    private static readonly DateTimeOffset Window = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly BudgetBook _book = new(new CurrencyConverter(0.14m));
    private readonly BudgetLine[] _lines = [Line("key", BudgetScopeKind.Key), Line("project", BudgetScopeKind.Project), Line("run", BudgetScopeKind.Run)];
    private readonly BudgetHold _hold;

    public BudgetHoldAndSettle()
    {
        _hold = new BudgetHold
        {
            RequestId = "req_hot_path",
            At = Window,
            Target = new ChargeTarget("key_1", "team key", "project", "run", "chat"),
            Provider = "deepseek",
            Deployment = "deepseek/deepseek-flash",
            WorstCaseUsd = new MicroUnits(40),
            // An array, as the reserve stage makes it.
            Lines = _lines.Select(l => new HeldLine(l.Id, Window, new MicroUnits(40), "USD")).ToArray(),
        };
    }

    public long Run()
    {
        var granted = _book.TryHold(_hold, _lines).Granted;
        _book.Settle(_hold, new MicroUnits(25), "USD");
        return granted ? 1 : 0;
    }

    private static BudgetLine Line(string id, BudgetScopeKind scope) => new()
    {
        Id = id,
        Scope = scope,
        Subject = id,
        Limit = MicroUnits.FromDecimal(1_000_000m),
        Currency = "USD",
        Source = "admin",
    };
}
