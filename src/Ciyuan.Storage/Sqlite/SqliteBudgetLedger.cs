using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;
using Ciyuan.Storage.Rows;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Budgets for a gateway that is the only writer of its SQLite file: holds are checked in memory
/// (<see cref="BudgetBook"/>, no database round trip) and made durable by one append to the hold
/// journal before the request leaves. Settlements are written with usage records, which also move
/// the durable spend counters (<c>budget_spend</c>) the book reads when it first meets a line's window.
/// </summary>
internal sealed class SqliteBudgetLedger(SqliteDatabase database, SqliteUsageLedger writer, HoldJournal journal, StorageOptions options, LedgerMetrics metrics) : IBudgetLedger, IDisposable
{
    private readonly BudgetBook _book = new(options.Currency);
    private readonly SemaphoreSlim _loading = new(1, 1);

    public async ValueTask<ReservationOutcome> ReserveAsync(BudgetHold hold, IReadOnlyList<BudgetLine> lines, CancellationToken cancellationToken)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            await EnsureLoadedAsync(lines[i], hold.Lines[i].WindowStart, cancellationToken).ConfigureAwait(false);
        }

        var outcome = _book.TryHold(hold, lines);
        if (!outcome.Granted)
        {
            return outcome;
        }

        try
        {
            journal.AppendHold(hold);
            metrics.JournalAppended("hold");
        }
        catch
        {
            // Not durable means not sent: give the hold back so the budget is not left short.
            _book.Cancel(hold);
            throw;
        }

        return outcome;
    }

    public ValueTask RecordAttemptAsync(string requestId, int attempt, string provider, string deployment, CancellationToken cancellationToken)
    {
        journal.AppendAttempt(requestId, attempt, provider, deployment, options.Time.GetUtcNow());
        metrics.JournalAppended("attempt");
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Called by the ledger writer once a usage record carrying a hold is committed: only then does
    /// the book free the hold and the journal forget it. A record that never became durable leaves
    /// its hold open, to be found in doubt at the next start.
    /// </summary>
    internal void Committed(UsageRecord record)
    {
        if (record.Hold is { } hold)
        {
            _book.Settle(hold, record.Cost, record.Currency);
            journal.Settled(hold.RequestId);
        }
    }

    public async ValueTask ReleaseAsync(BudgetHold hold, CancellationToken cancellationToken)
    {
        await writer.AppendReleaseAsync(hold, cancellationToken).ConfigureAwait(false);
        _book.Cancel(hold);
        journal.Settled(hold.RequestId);
    }

    public async ValueTask<IReadOnlyList<BudgetStatus>> StatusAsync(IReadOnlyList<BudgetLine> lines, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var statuses = new List<BudgetStatus>(lines.Count);
        foreach (var line in lines)
        {
            var window = BudgetWindows.StartOf(line.Period, now, options.TimeZone);
            await EnsureLoadedAsync(line, window, cancellationToken).ConfigureAwait(false);
            var (spent, held) = _book.Read(line.Id, window);
            statuses.Add(new BudgetStatus(line, window, spent, held));
        }

        return statuses;
    }

    public async ValueTask<IReadOnlyList<InDoubtHold>> ListInDoubtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = BudgetRows.InDoubtQuery;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var holds = new List<InDoubtHold>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            holds.Add(BudgetRows.ReadInDoubt(reader));
        }

        return holds;
    }

    public async ValueTask<bool> ReleaseInDoubtAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string? linesText;
        await using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = """
                SELECT h.lines FROM budget_entries h
                WHERE h.request_id = $id AND h.kind = 'hold' AND h.seq = 0
                  AND EXISTS (SELECT 1 FROM budget_entries d WHERE d.request_id = $id AND d.kind = 'in_doubt')
                  AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = $id AND (e.kind = 'commit' OR (e.kind = 'release' AND e.seq = 1)))
                  AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = $id);
                """;
            find.Parameters.AddWithValue("$id", requestId);
            var found = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                return false;
            }

            linesText = found as string;
        }

        await AppendAsync(connection, transaction, requestId, "release", 1, at, cancellationToken).ConfigureAwait(false);
        var lines = HeldLinesText.Read(linesText);
        foreach (var line in lines)
        {
            await AddSpendAsync(connection, transaction, line, -line.Amount.Value, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var line in lines)
        {
            _book.AddSpent(line.LineId, line.WindowStart, new MicroUnits(-line.Amount.Value));
        }

        return true;
    }

    /// <summary>
    /// Holds written by another instance (a process that is gone: one gateway writes a SQLite file)
    /// and never settled become in-doubt and count as spent at the held amount. The journals that
    /// instance left are folded into the ledger first, then deleted.
    /// </summary>
    internal async Task<int> ReconcileOrphansAsync(CancellationToken cancellationToken)
    {
        var journals = journal.OrphanFiles();
        foreach (var file in journals)
        {
            await ImportJournalAsync(file, cancellationToken).ConfigureAwait(false);
        }

        var found = await MarkInDoubtAsync(cancellationToken).ConfigureAwait(false);
        foreach (var file in journals)
        {
            HoldJournal.Delete(file);
        }

        return found;
    }

    /// <summary>
    /// Copies a dead instance's journaled holds that nothing settled (no usage record, no release)
    /// into the ledger as hold entries, with their attempts. Repeating it changes nothing.
    /// </summary>
    private async Task ImportJournalAsync(string file, CancellationToken cancellationToken)
    {
        var (holds, attempts) = HoldJournal.Read(file);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO budget_entries (request_id, kind, seq, at, instance, key_id, project, run_id, model, provider, deployment, amount_micros, lines)
                SELECT $id, 'hold', 0, $at, $instance, $key, $project, $run, $model, $provider, $deployment, $amount, $lines
                WHERE NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = $id)
                  AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = $id AND e.kind IN ('commit', 'release'))
                ON CONFLICT DO NOTHING;
                """;
            foreach (var name in new[] { "$id", "$at", "$instance", "$key", "$project", "$run", "$model", "$provider", "$deployment", "$amount", "$lines" })
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            foreach (var hold in holds)
            {
                var p = insert.Parameters;
                p[0].Value = hold.RequestId;
                p[1].Value = hold.At.ToUnixTimeMilliseconds();
                p[2].Value = Path.GetFileName(file);
                p[3].Value = hold.Target.KeyId;
                p[4].Value = (object?)hold.Target.Project ?? DBNull.Value;
                p[5].Value = (object?)hold.Target.RunId ?? DBNull.Value;
                p[6].Value = hold.Target.Model;
                p[7].Value = hold.Provider;
                p[8].Value = hold.Deployment;
                p[9].Value = hold.WorstCaseUsd.Value;
                p[10].Value = HeldLinesText.Write(hold.Lines);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO budget_entries (request_id, kind, seq, at, provider, deployment, amount_micros)
                VALUES ($id, 'attempt', $seq, $at, $provider, $deployment, 0) ON CONFLICT DO NOTHING;
                """;
            foreach (var name in new[] { "$id", "$seq", "$at", "$provider", "$deployment" })
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            foreach (var (requestId, attempt, provider, deployment, at) in attempts)
            {
                var p = insert.Parameters;
                p[0].Value = requestId;
                p[1].Value = attempt;
                p[2].Value = at.ToUnixTimeMilliseconds();
                p[3].Value = provider;
                p[4].Value = deployment;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> MarkInDoubtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var orphans = new List<(string RequestId, string? Lines)>();
        await using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = """
                SELECT h.request_id, h.lines FROM budget_entries h
                WHERE h.kind = 'hold' AND h.seq = 0 AND (h.instance IS NULL OR h.instance <> $me)
                  AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = h.request_id AND e.kind IN ('commit', 'release', 'in_doubt'))
                  AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = h.request_id);
                """;
            find.Parameters.AddWithValue("$me", options.InstanceId);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                orphans.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }

        var now = options.Time.GetUtcNow();
        foreach (var (requestId, linesText) in orphans)
        {
            await AppendAsync(connection, transaction, requestId, "in_doubt", 0, now, cancellationToken).ConfigureAwait(false);
            foreach (var line in HeldLinesText.Read(linesText))
            {
                await AddSpendAsync(connection, transaction, line, line.Amount.Value, cancellationToken).ConfigureAwait(false);
                _book.AddSpent(line.LineId, line.WindowStart, line.Amount);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return orphans.Count;
    }

    private async Task EnsureLoadedAsync(BudgetLine line, DateTimeOffset window, CancellationToken cancellationToken)
    {
        if (_book.IsLoaded(line.Id, window))
        {
            return;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_book.IsLoaded(line.Id, window))
            {
                _book.Load(line.Id, window, await new BudgetSpendSeed(database, options.Currency).LoadAsync(line, window, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose() => _loading.Dispose();

    private static async Task AppendAsync(SqliteConnection connection, SqliteTransaction transaction, string requestId, string kind, int seq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO budget_entries (request_id, kind, seq, at, amount_micros)
            VALUES ($id, $kind, $seq, $at, COALESCE((SELECT amount_micros FROM budget_entries WHERE request_id = $id AND kind = 'hold' AND seq = 0), 0))
            ON CONFLICT DO NOTHING;
            """;
        insert.Parameters.AddWithValue("$id", requestId);
        insert.Parameters.AddWithValue("$kind", kind);
        insert.Parameters.AddWithValue("$seq", seq);
        insert.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task AddSpendAsync(SqliteConnection connection, SqliteTransaction transaction, HeldLine line, long amount, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            INSERT INTO budget_spend (line_id, window_start, spent_micros) VALUES ($line, $window, MAX(0, $amount))
            ON CONFLICT (line_id, window_start) DO UPDATE SET spent_micros = MAX(0, spent_micros + $amount);
            """;
        update.Parameters.AddWithValue("$line", line.LineId);
        update.Parameters.AddWithValue("$window", line.WindowStart.ToUnixTimeMilliseconds());
        update.Parameters.AddWithValue("$amount", amount);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
