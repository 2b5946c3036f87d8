using BenchmarkDotNet.Attributes;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>
/// The budget check a single instance makes on the request path: hold on three lines, all or none,
/// then settle — in memory, no database round trip.
/// </summary>
[MemoryDiagnoser]
public class BudgetBookBenchmarks
{
    private static readonly BudgetLine[] Lines =
    [
        Line("key"),
        Line("project"),
        Line("run"),
    ];

    private readonly BudgetBook _book = new(new CurrencyConverter(0.14m));
    private readonly BudgetHold _hold = new()
    {
        RequestId = "req",
        At = DateTimeOffset.UnixEpoch,
        Target = new ChargeTarget("k", "k", "p", "r", "m"),
        Provider = "stub",
        Deployment = "stub/m",
        WorstCaseUsd = new MicroUnits(40),
        Lines = [.. Lines.Select(l => new HeldLine(l.Id, DateTimeOffset.UnixEpoch, new MicroUnits(40), "USD"))],
    };

    [Benchmark(Description = "hold 3 lines + settle")]
    public bool HoldAndSettle()
    {
        var granted = _book.TryHold(_hold, Lines).Granted;
        _book.Settle(_hold, MicroUnits.Zero, "USD");
        return granted;
    }

    private static BudgetLine Line(string id) => new()
    {
        Id = id,
        Scope = BudgetScopeKind.Run,
        Subject = id,
        Limit = MicroUnits.FromDecimal(1_000m),
        Currency = "USD",
        Source = "admin",
    };
}
