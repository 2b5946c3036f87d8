using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Tests.Budgets;

public sealed class BudgetBookTests
{
    private static readonly DateTimeOffset Window = DateTimeOffset.UnixEpoch;

    private static BudgetLine Line(string id, long limit, string currency = "USD") => new()
    {
        Id = id,
        Scope = BudgetScopeKind.Run,
        Subject = id,
        Limit = new MicroUnits(limit),
        Currency = currency,
        Source = "admin",
    };

    private static BudgetHold Hold(string requestId, params (BudgetLine Line, long Amount)[] lines) => new()
    {
        RequestId = requestId,
        At = DateTimeOffset.UnixEpoch,
        Target = new ChargeTarget("k", "k", null, "r", "m"),
        Provider = "p",
        Deployment = "p/m",
        WorstCaseUsd = new MicroUnits(lines.Length == 0 ? 0 : lines.Max(l => l.Amount)),
        Lines = lines.Select(l => new HeldLine(l.Line.Id, Window, new MicroUnits(l.Amount), l.Line.Currency)).ToArray(),
    };

    [Fact]
    public void TryHold_WithinTheLimit_HoldsAndLeavesTheRest()
    {
        var book = new BudgetBook(new CurrencyConverter(0.14m));
        var line = Line("a", 100);

        Assert.True(book.TryHold(Hold("r1", (line, 60)), [line]).Granted);
        var refused = book.TryHold(Hold("r2", (line, 60)), [line]);

        Assert.False(refused.Granted);
        Assert.Same(line, refused.Refused);
        Assert.Equal(new MicroUnits(40), refused.Remaining);
        Assert.Equal(new MicroUnits(60), refused.Needed);
        Assert.Equal((MicroUnits.Zero, new MicroUnits(60)), book.Read("a", Window));
    }

    [Fact]
    public void TryHold_OneLineFull_HoldsOnNoLine()
    {
        var book = new BudgetBook(new CurrencyConverter(0.14m));
        var roomy = Line("roomy", 1_000);
        var tight = Line("tight", 10);

        var outcome = book.TryHold(Hold("r1", (roomy, 50), (tight, 50)), [roomy, tight]);

        Assert.False(outcome.Granted);
        Assert.Same(tight, outcome.Refused);
        Assert.Equal((MicroUnits.Zero, MicroUnits.Zero), book.Read("roomy", Window));
    }

    [Fact]
    public void TryHold_SameRequestTwice_HoldsOnce()
    {
        var book = new BudgetBook(new CurrencyConverter(0.14m));
        var line = Line("a", 100);
        var hold = Hold("r1", (line, 60));

        Assert.True(book.TryHold(hold, [line]).Granted);
        Assert.True(book.TryHold(hold, [line]).Granted);

        Assert.Equal(new MicroUnits(60), book.Read("a", Window).Held);
    }

    [Fact]
    public void Settle_ReplacesTheHoldByTheCostOnce()
    {
        var book = new BudgetBook(new CurrencyConverter(0.14m));
        var line = Line("a", 100);
        var hold = Hold("r1", (line, 60));
        book.TryHold(hold, [line]);

        book.Settle(hold, new MicroUnits(25), "USD");
        book.Settle(hold, new MicroUnits(25), "USD");

        Assert.Equal((new MicroUnits(25), MicroUnits.Zero), book.Read("a", Window));
    }

    [Fact]
    public void Settle_CostInAnotherCurrency_IsConvertedRoundingUp()
    {
        var book = new BudgetBook(new CurrencyConverter(0.14m));
        var cny = Line("cny", 1_000_000, "CNY");
        var hold = Hold("r1", (cny, 1_000));
        book.TryHold(hold, [cny]);

        book.Settle(hold, new MicroUnits(10), "USD");

        // 10 micro-USD at 0.14 USD per CNY is 71.43 micro-CNY: 72, never less.
        Assert.Equal(new MicroUnits(72), book.Read("cny", Window).Spent);
    }

    [Fact]
    public void Load_CountsEarlierSpendAgainstTheLimit()
    {
        var book = new BudgetBook(new CurrencyConverter(0.14m));
        var line = Line("a", 100);
        book.Load("a", Window, new MicroUnits(90));

        Assert.False(book.TryHold(Hold("r1", (line, 20)), [line]).Granted);
        Assert.True(book.TryHold(Hold("r2", (line, 10)), [line]).Granted);
    }

    [Fact]
    public async Task TryHold_ManyThreads_NeverHoldMoreThanTheLimit()
    {
        var book = new BudgetBook(new CurrencyConverter(0.14m));
        var line = Line("a", 1_000);
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() =>
        {
            if (book.TryHold(Hold($"r{i}", (line, 7)), [line]).Granted)
            {
                Interlocked.Increment(ref granted);
            }
        })));

        Assert.Equal(1_000 / 7, granted);
        Assert.Equal(new MicroUnits(granted * 7), book.Read("a", Window).Held);
    }
}
