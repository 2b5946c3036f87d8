using Ciyuan.Core.Budgets;
using Ciyuan.Core.Budgets.Leases;
using Ciyuan.Core.Metering;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// One group commit of the PostgreSQL writer, in one round trip: the usage records (with their
/// rollups) and one call of <c>ciyuan_write</c> for holds, entries and settlements, sent as one
/// batch, which PostgreSQL runs as one transaction. Items whose data cannot be written (a currency
/// with no rate) are left out with their reason; the rest go on.
/// </summary>
internal sealed class PostgresWriteBatch(string instanceId, CurrencyConverter currency)
{
    /// <summary>The columns of <c>ciyuan_write</c>'s answer: refused, line_id, window_start, granted, held, spent, version.</summary>
    private const int WriterColumns = 7;

    private readonly List<UsageRecord> _records = [];
    private readonly List<PendingWrite> _holds = [];
    private readonly List<HoldRow> _h = [];
    private readonly List<LineRow> _hl = [];
    private readonly List<EntryRow> _e = [];
    private readonly List<SettlementRow> _s = [];

    /// <summary>This instance's lease rows as the batch left them.</summary>
    public List<LeaseRow> Leases { get; } = [];

    /// <summary>Every hold the batch carried (taken, refused or left out): none is pending once it committed.</summary>
    public IEnumerable<BudgetHold> Holds => _holds.Select(h => h.Hold!);

    public void Add(PendingWrite pending)
    {
        try
        {
            if (pending.Hold is { } hold)
            {
                AddHold(hold);
                _holds.Add(pending);
            }
            else if (pending.Record is { } record)
            {
                AddRecord(record);
            }
            else if (pending.Release is { } released)
            {
                AddSettlement(released, "release", 0L, cost: null, record: null, at: pending.ReleasedAt);
            }
            else if (pending.Attempt is { } attempt)
            {
                _e.Add(attempt);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or OverflowException)
        {
            pending.Failure = ex;
            if (pending.Hold is not null)
            {
                _holds.Add(pending);
            }
        }
    }

    public async Task ExecuteAsync(PostgresWriterConnection writer, TimeSpan timeout)
    {
        var callsWriter = _h.Count > 0 || _e.Count > 0;
        if (_records.Count == 0 && !callsWriter)
        {
            return;
        }

        var connection = await writer.GetAsync(CancellationToken.None).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection) { Timeout = (int)Math.Ceiling(timeout.TotalSeconds) };
        if (_records.Count > 0)
        {
            batch.BatchCommands.Add(PostgresUsageRecords.InsertWithRollups(_records, instanceId));
        }

        if (callsWriter)
        {
            batch.BatchCommands.Add(PgSql.Command("""
                SELECT refused, line_id, window_start, granted, held, spent, version FROM ciyuan_write($1,
                    $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[],
                    $12::text[], $13::text[], $14::bigint[], $15::bigint[],
                    $16::text[], $17::text[], $18::integer[], $19::bigint[], $20::text[], $21::text[], $22::bigint[],
                    $23::text[], $24::text[], $25::bigint[], $26::bigint[], $27::bigint[]);
                """, [instanceId,
                    Column(_h, r => r.RequestId), Column(_h, r => r.At), Column(_h, r => r.KeyId), Column(_h, r => r.Project), Column(_h, r => r.RunId),
                    Column(_h, r => r.Model), Column(_h, r => r.Provider), Column(_h, r => r.Deployment), Column(_h, r => r.Worst), Column(_h, r => r.Lines),
                    Column(_hl, r => r.RequestId), Column(_hl, r => r.LineId), Column(_hl, r => r.Window), Column(_hl, r => r.Amount),
                    Column(_e, r => r.RequestId), Column(_e, r => r.Kind), Column(_e, r => r.Seq), Column(_e, r => r.At), Column(_e, r => r.Provider),
                    Column(_e, r => r.Deployment), Column(_e, r => r.AmountMicros),
                    Column(_s, r => r.RequestId), Column(_s, r => r.LineId), Column(_s, r => r.Window), Column(_s, r => r.Held), Column(_s, r => r.Cost)]));
        }

        // Prepared once per connection (the statements' text never changes), so PostgreSQL parses
        // and plans them once rather than for every batch.
        await batch.PrepareAsync(CancellationToken.None).ConfigureAwait(false);

        // One Sync for the whole batch: PostgreSQL runs it as one implicit transaction. The records'
        // insert returns no rows, and Npgsql does not stop on a statement without a result set, so the
        // writer's answer is found by its shape, never by position: reading the wrong result set
        // would take a hold the fence refused for granted.
        await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            if (reader.FieldCount != WriterColumns)
            {
                continue;
            }

            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                if (!reader.IsDBNull(0))
                {
                    refused.Add(reader.GetString(0));
                }
                else
                {
                    Leases.Add(new LeaseRow(new SliceKey(reader.GetString(1), reader.GetInt64(2)), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
                }
            }
        }
        while (await reader.NextResultAsync().ConfigureAwait(false));

        foreach (var pending in _holds)
        {
            pending.Refused = pending.Failure is null && refused.Contains(pending.Hold!.RequestId);
        }
    }

    private void AddHold(BudgetHold hold)
    {
        var target = hold.Target;
        _h.Add(new HoldRow(hold.RequestId, hold.At.ToUnixTimeMilliseconds(), target.KeyId, target.Project, target.RunId, target.Model,
            hold.Provider, hold.Deployment, hold.WorstCaseUsd.Value, HeldLinesText.Write(hold.Lines)));
        foreach (var line in hold.Lines)
        {
            _hl.Add(new LineRow(hold.RequestId, line.LineId, line.WindowStart.ToUnixTimeMilliseconds(), line.Amount.Value));
        }
    }

    private void AddRecord(UsageRecord record)
    {
        // Converted first: a record whose cost cannot be converted is refused before anything is added.
        var costUsd = currency.Convert(record.Cost, record.Currency, Currencies.Usd).Value;
        var hold = record.Hold;
        if (hold is { Lines.Count: > 0 })
        {
            var billed = record.Status == RequestStatus.Ok || record.Cost.Value > 0;
            var costs = hold.Lines.Select(l => billed ? currency.Convert(record.Cost, record.Currency, l.Currency).Value : 0).ToArray();
            _records.Add(record);
            AddSettlement(hold, billed ? "commit" : "release", costUsd, costs, record, record.CreatedAt.ToUnixTimeMilliseconds());
            return;
        }

        // A hold on no line is settled by its record alone.
        _records.Add(record);
    }

    private void AddSettlement(BudgetHold hold, string kind, long amountUsd, long[]? cost, UsageRecord? record, long at)
    {
        _e.Add(new EntryRow(hold.RequestId, kind, 0, at, record?.Provider ?? hold.Provider, record?.Deployment ?? hold.Deployment, amountUsd));
        for (var i = 0; i < hold.Lines.Count; i++)
        {
            var line = hold.Lines[i];
            _s.Add(new SettlementRow(hold.RequestId, line.LineId, line.WindowStart.ToUnixTimeMilliseconds(), line.Amount.Value, cost?[i] ?? 0));
        }
    }

    /// <summary>One column of rows as the array parameter PostgreSQL unnests.</summary>
    private static T[] Column<TRow, T>(List<TRow> rows, Func<TRow, T> column)
    {
        var values = new T[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = column(rows[i]);
        }

        return values;
    }

    /// <summary>A new hold's row of <c>budget_entries</c>.</summary>
    private readonly record struct HoldRow(string RequestId, long At, string KeyId, string? Project, string? RunId, string Model,
        string Provider, string Deployment, long Worst, string Lines);

    /// <summary>A new hold's amount on one of its lines.</summary>
    private readonly record struct LineRow(string RequestId, string LineId, long Window, long Amount);

    /// <summary>A settled hold's held amount and cost on one of its lines.</summary>
    private readonly record struct SettlementRow(string RequestId, string LineId, long Window, long Held, long Cost);
}
