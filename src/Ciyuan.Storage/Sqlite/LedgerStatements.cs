using Ciyuan.Core.Budgets;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The ledger writer's prepared statements, on its one connection, enlisted in each batch's transaction.</summary>
internal sealed class LedgerStatements : IAsyncDisposable
{
    private readonly SqliteCommand _insertEntry;
    private readonly SqliteCommand _addSpend;

    public LedgerStatements(SqliteConnection connection)
    {
        InsertUsage = UsageRecordSql.CreateInsert(connection);
        _insertEntry = Prepare(connection, """
            INSERT INTO budget_entries (request_id, kind, seq, at, instance, key_id, project, run_id, model, provider, deployment, amount_micros, lines)
            VALUES ($request, $kind, $seq, $at, $instance, $key, $project, $run, $model, $provider, $deployment, $amount, $lines)
            ON CONFLICT DO NOTHING;
            """, "$request", "$kind", "$seq", "$at", "$instance", "$key", "$project", "$run", "$model", "$provider", "$deployment", "$amount", "$lines");
        _addSpend = Prepare(connection, """
            INSERT INTO budget_spend (line_id, window_start, spent_micros) VALUES ($line, $window, MAX(0, $amount))
            ON CONFLICT (line_id, window_start) DO UPDATE SET spent_micros = MAX(0, spent_micros + $amount);
            """, "$line", "$window", "$amount");
        UpsertRollup = UsageRollupBatch.CreateUpsert(connection);
        UpsertSeries = SqliteUsageSeries.CreateUpsert(connection);
    }

    public SqliteCommand InsertUsage { get; }

    public SqliteCommand UpsertRollup { get; }

    public SqliteCommand UpsertSeries { get; }

    public void Enlist(SqliteTransaction transaction)
    {
        InsertUsage.Transaction = transaction;
        UpsertRollup.Transaction = transaction;
        UpsertSeries.Transaction = transaction;
        _insertEntry.Transaction = transaction;
        _addSpend.Transaction = transaction;
    }

    /// <summary>Appends an entry; false when the same (request, kind, seq) was already there.</summary>
    public bool InsertEntry(string requestId, string kind, int seq, DateTimeOffset at, string instance, ChargeTarget? target,
        string? provider, string? deployment, long amountMicros, string? lines)
    {
        var p = _insertEntry.Parameters;
        p[0].Value = requestId;
        p[1].Value = kind;
        p[2].Value = seq;
        p[3].Value = at.ToUnixTimeMilliseconds();
        p[4].Value = instance;
        p[5].Value = (object?)target?.KeyId ?? DBNull.Value;
        p[6].Value = (object?)target?.Project ?? DBNull.Value;
        p[7].Value = (object?)target?.RunId ?? DBNull.Value;
        p[8].Value = (object?)target?.Model ?? DBNull.Value;
        p[9].Value = (object?)provider ?? DBNull.Value;
        p[10].Value = (object?)deployment ?? DBNull.Value;
        p[11].Value = amountMicros;
        p[12].Value = (object?)lines ?? DBNull.Value;
        return _insertEntry.ExecuteNonQuery() == 1;
    }

    public void AddSpend(string lineId, long windowStartMs, long amountMicros)
    {
        var p = _addSpend.Parameters;
        p[0].Value = lineId;
        p[1].Value = windowStartMs;
        p[2].Value = amountMicros;
        _addSpend.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await InsertUsage.DisposeAsync().ConfigureAwait(false);
        await UpsertRollup.DisposeAsync().ConfigureAwait(false);
        await UpsertSeries.DisposeAsync().ConfigureAwait(false);
        await _insertEntry.DisposeAsync().ConfigureAwait(false);
        await _addSpend.DisposeAsync().ConfigureAwait(false);
    }
}
