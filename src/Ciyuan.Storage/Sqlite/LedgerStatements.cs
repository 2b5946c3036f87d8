using Ciyuan.Core.Budgets;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The ledger writer's prepared statements, on its one connection; each runs in the transaction the connection has open (the batch's).</summary>
internal sealed class LedgerStatements : IAsyncDisposable
{
    private readonly PositionalStatement _insertEntry;
    private readonly PositionalStatement _addSpend;

    public LedgerStatements(SqliteConnection connection)
    {
        InsertUsage = UsageRecordSql.CreateInsert(connection);
        _insertEntry = new PositionalStatement(connection, """
            INSERT INTO budget_entries (request_id, kind, seq, at, instance, key_id, project, run_id, model, provider, deployment, amount_micros, lines)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            ON CONFLICT DO NOTHING;
            """);
        _addSpend = new PositionalStatement(connection, """
            INSERT INTO budget_spend (line_id, window_start, spent_micros) VALUES (?1, ?2, MAX(0, ?3))
            ON CONFLICT (line_id, window_start) DO UPDATE SET spent_micros = MAX(0, spent_micros + ?3);
            """);
        UpsertRollup = UsageRollupBatch.CreateUpsert(connection);
        UpsertSeries = SqliteUsageSeries.CreateUpsert(connection);
    }

    /// <summary>The usage record insert (<see cref="UsageRecordSql.Bind"/>); runs in the connection's open transaction.</summary>
    public PositionalStatement InsertUsage { get; }

    public PositionalStatement UpsertRollup { get; }

    public PositionalStatement UpsertSeries { get; }

    /// <summary>Appends an entry; false when the same (request, kind, seq) was already there.</summary>
    public bool InsertEntry(string requestId, string kind, int seq, DateTimeOffset at, string instance, ChargeTarget? target,
        string? provider, string? deployment, long amountMicros, string? lines)
    {
        var e = _insertEntry;
        e.Text(1, requestId);
        e.Text(2, kind);
        e.Integer(3, seq);
        e.Integer(4, at.ToUnixTimeMilliseconds());
        e.Text(5, instance);
        e.Text(6, target?.KeyId);
        e.Text(7, target?.Project);
        e.Text(8, target?.RunId);
        e.Text(9, target?.Model);
        e.Text(10, provider);
        e.Text(11, deployment);
        e.Integer(12, amountMicros);
        e.Text(13, lines);
        return e.Execute() == 1;
    }

    public void AddSpend(string lineId, long windowStartMs, long amountMicros)
    {
        _addSpend.Text(1, lineId);
        _addSpend.Integer(2, windowStartMs);
        _addSpend.Integer(3, amountMicros);
        _addSpend.Execute();
    }

    public async ValueTask DisposeAsync()
    {
        InsertUsage.Dispose();
        UpsertRollup.Dispose();
        UpsertSeries.Dispose();
        _insertEntry.Dispose();
        _addSpend.Dispose();
    }
}
