using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>
/// The in-memory state of every budget line in its windows, for a gateway that is the only writer
/// of its database: a hold is checked and taken under one lock, with no database round trip. The
/// durable side (the hold entry, the settlement with the usage record, the spend counters read at
/// start-up) belongs to the storage backend that owns the book.
/// </summary>
public sealed class BudgetBook(CurrencyConverter currency)
{
    private readonly Dictionary<(string LineId, long Window), Account> _accounts = [];
    private readonly Dictionary<string, BudgetHold> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>True once the line's spend in that window has been loaded (or it is known to be new).</summary>
    public bool IsLoaded(string lineId, DateTimeOffset windowStart)
    {
        lock (_gate)
        {
            return _accounts.ContainsKey((lineId, windowStart.ToUnixTimeMilliseconds()));
        }
    }

    /// <summary>Sets what a line had spent in a window when the book first meets it; a later load of the same window is ignored.</summary>
    public void Load(string lineId, DateTimeOffset windowStart, MicroUnits spent)
    {
        lock (_gate)
        {
            _accounts.TryAdd((lineId, windowStart.ToUnixTimeMilliseconds()), new Account { Spent = spent.Value });
        }
    }

    /// <summary>
    /// Holds every line of <paramref name="hold"/> or none. <paramref name="lines"/> are the
    /// definitions, in the same order as <see cref="BudgetHold.Lines"/>. A request id already
    /// holding is granted again without holding twice.
    /// </summary>
    public ReservationOutcome TryHold(BudgetHold hold, IReadOnlyList<BudgetLine> lines)
    {
        lock (_gate)
        {
            if (_open.ContainsKey(hold.RequestId))
            {
                return ReservationOutcome.Grant;
            }

            for (var i = 0; i < hold.Lines.Count; i++)
            {
                var held = hold.Lines[i];
                var account = Get(held);
                var left = lines[i].Limit.Value - account.Spent - account.Held;
                if (held.Amount.Value > left)
                {
                    return ReservationOutcome.Refuse(lines[i], new MicroUnits(Math.Max(0, left)), held.Amount);
                }
            }

            // Indexed loops: enumerating the lines through their interface would allocate an enumerator per call.
            for (var i = 0; i < hold.Lines.Count; i++)
            {
                var held = hold.Lines[i];
                Get(held).Held += held.Amount.Value;
            }

            _open[hold.RequestId] = hold;
            return ReservationOutcome.Grant;
        }
    }

    /// <summary>Gives a hold back untouched (it could not be made durable, so the request never left).</summary>
    public void Cancel(BudgetHold hold) => Settle(hold, MicroUnits.Zero, Currencies.Usd);

    /// <summary>Replaces the hold by what the request cost, converted into each line's currency. A second settlement is ignored.</summary>
    public void Settle(BudgetHold hold, MicroUnits cost, string costCurrency)
    {
        lock (_gate)
        {
            if (!_open.Remove(hold.RequestId))
            {
                return;
            }

            for (var i = 0; i < hold.Lines.Count; i++)
            {
                var held = hold.Lines[i];
                var account = Get(held);
                account.Held -= held.Amount.Value;
                account.Spent += currency.Convert(cost, costCurrency, held.Currency).Value;
            }
        }
    }

    /// <summary>Adds to (or, negative, takes from) what a line spent in a window: an in-doubt hold counted or released.</summary>
    public void AddSpent(string lineId, DateTimeOffset windowStart, MicroUnits amount)
    {
        lock (_gate)
        {
            if (_accounts.TryGetValue((lineId, windowStart.ToUnixTimeMilliseconds()), out var account))
            {
                account.Spent = Math.Max(0, account.Spent + amount.Value);
            }
        }
    }

    /// <summary>What a line spent and holds in a window (zero when the book has not met it).</summary>
    public (MicroUnits Spent, MicroUnits Held) Read(string lineId, DateTimeOffset windowStart)
    {
        lock (_gate)
        {
            return _accounts.TryGetValue((lineId, windowStart.ToUnixTimeMilliseconds()), out var account)
                ? (new MicroUnits(account.Spent), new MicroUnits(account.Held))
                : (MicroUnits.Zero, MicroUnits.Zero);
        }
    }

    private Account Get(HeldLine held)
    {
        var key = (held.LineId, held.WindowStart.ToUnixTimeMilliseconds());
        if (!_accounts.TryGetValue(key, out var account))
        {
            account = new Account();
            _accounts[key] = account;
        }

        return account;
    }

    private sealed class Account
    {
        public long Spent { get; set; }

        public long Held { get; set; }
    }
}
