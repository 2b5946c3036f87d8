using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Group commit on PostgreSQL: usage records (with the settlement entries and counter moves they
/// carry), releases and fallback attempts queue for one writer, which applies everything waiting
/// in one transaction of a few round trips — rows go in as arrays, not one statement each — and
/// then completes every caller. A caller's task completes only once its write is committed.
/// </summary>
public sealed class PostgresUsageLedger : IUsageLedger, IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly CurrencyConverter _currency;
    private readonly string _instanceId;
    private readonly TimeProvider _time;
    private readonly GroupCommitQueue<PendingWrite> _queue;

    public PostgresUsageLedger(PostgresDatabase database, CurrencyConverter currency, string instanceId, TimeProvider time, LedgerMetrics? metrics = null)
    {
        _database = database;
        _currency = currency;
        _instanceId = instanceId;
        _time = time;
        _queue = new GroupCommitQueue<PendingWrite>(WriteBatchAsync, ex => $"the ledger could not be written to the {database.Description}: {ex.Message}", metrics);
    }

    public ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(new PendingWrite { Record = record }, cancellationToken);

    /// <summary>Settles a hold whose request left no usage record: the <c>release</c> entry, and the held amount freed.</summary>
    internal ValueTask AppendReleaseAsync(BudgetHold hold, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(new PendingWrite { Release = hold }, cancellationToken);

    /// <summary>Makes a fallback attempt durable (the <c>attempt</c> entry) before it is sent.</summary>
    internal ValueTask AppendAttemptAsync(string requestId, int attempt, string provider, string deployment, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(new PendingWrite { Attempt = new EntryRow(requestId, "attempt", attempt, _time.GetUtcNow().ToUnixTimeMilliseconds(), provider, deployment, 0) }, cancellationToken);

    private async Task WriteBatchAsync(IReadOnlyList<PendingWrite> batch)
    {
        var records = batch.Where(p => p.Record is not null).Select(p => p.Record!).ToList();
        var settlements = new List<(EntryRow Entry, BudgetHold Hold, UsageRecord? Record)>();
        var entries = new List<EntryRow>();
        foreach (var pending in batch)
        {
            // As on SQLite: a hold on no line is settled by its record alone.
            if (pending.Record is { Hold: { Lines.Count: > 0 } hold } record)
            {
                var billed = record.Status == "ok" || record.Cost.Value > 0;
                var entry = new EntryRow(record.RequestId, billed ? "commit" : "release", 0, record.CreatedAt.ToUnixTimeMilliseconds(),
                    record.Provider, record.Deployment, _currency.Convert(record.Cost, record.Currency, Currencies.Usd).Value);
                settlements.Add((entry, hold, record));
                entries.Add(entry);
            }
            else if (pending.Release is { } released)
            {
                var entry = new EntryRow(released.RequestId, "release", 0, _time.GetUtcNow().ToUnixTimeMilliseconds(), released.Provider, released.Deployment, 0);
                settlements.Add((entry, released, null));
                entries.Add(entry);
            }
            else if (pending.Attempt is { } attempt)
            {
                entries.Add(attempt);
            }
        }

        await using var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var inserted = await InsertAsync(connection, transaction, records, entries).ConfigureAwait(false);
        var moves = await MovesAsync(connection, transaction, settlements, inserted.Entries).ConfigureAwait(false);
        var newRecords = records.Where(r => inserted.Records.Contains(r.RequestId)).ToList();
        await PostgresRollups.UpsertAsync(connection, transaction, newRecords, CancellationToken.None).ConfigureAwait(false);
        await PostgresUsageTimeline.UpsertAsync(connection, transaction, newRecords, CancellationToken.None).ConfigureAwait(false);

        // Counters last: their row locks, which reservations wait on, are held only until the commit.
        await moves.ApplyAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>Inserts the records and entries (duplicates ignored) and says which were new.</summary>
    private async Task<(HashSet<string> Records, HashSet<(string, string)> Entries)> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<UsageRecord> records, List<EntryRow> entries)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var settled = entries.Where(e => e.Kind != "attempt").Select(e => e.RequestId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (settled.Length > 0)
        {
            // The hold rows are the per-request lock shared with orphan reconciliation and an
            // operator's release: whichever comes second sees what the first wrote, so a hold is
            // never both settled and counted in doubt. Locked in request id order, like every writer.
            batch.BatchCommands.Add(PgSql.Command(
                "SELECT request_id FROM budget_entries WHERE kind = 'hold' AND seq = 0 AND request_id = ANY($1::text[]) ORDER BY request_id FOR UPDATE;",
                (object)settled));
        }

        if (records.Count > 0)
        {
            batch.BatchCommands.Add(PostgresUsageRecords.Insert(records));
        }

        if (entries.Count > 0)
        {
            batch.BatchCommands.Add(PgSql.Command("""
                INSERT INTO budget_entries (request_id, kind, seq, at, instance, provider, deployment, amount_micros)
                SELECT u.r, u.k, u.s, u.a, $8, u.p, u.d, u.m
                FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::text[], $6::text[], $7::bigint[]) AS u(r, k, s, a, p, d, m)
                ON CONFLICT DO NOTHING RETURNING request_id, kind;
                """,
                entries.Select(e => e.RequestId).ToArray(), entries.Select(e => e.Kind).ToArray(), entries.Select(e => e.Seq).ToArray(),
                entries.Select(e => e.At).ToArray(), entries.Select(e => (string?)e.Provider).ToArray(), entries.Select(e => (string?)e.Deployment).ToArray(),
                entries.Select(e => e.AmountMicros).ToArray(), _instanceId));
        }

        var newRecords = new HashSet<string>(StringComparer.Ordinal);
        var newEntries = new HashSet<(string, string)>();
        if (batch.BatchCommands.Count == 0)
        {
            return (newRecords, newEntries);
        }

        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        if (settled.Length > 0)
        {
            await reader.NextResultAsync().ConfigureAwait(false);
        }

        if (records.Count > 0)
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                newRecords.Add(reader.GetString(0));
            }

            await reader.NextResultAsync().ConfigureAwait(false);
        }

        if (entries.Count > 0)
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                newEntries.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return (newRecords, newEntries);
    }

    /// <summary>
    /// What the new settlements move: each frees its hold and adds its cost to spent. A hold already
    /// reconciled as in doubt had its held amount moved to spent then, so only the difference moves;
    /// if an operator has since released it, that amount already left spent, so the cost is added.
    /// </summary>
    private async Task<CounterMoves> MovesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<(EntryRow Entry, BudgetHold Hold, UsageRecord? Record)> settlements, HashSet<(string, string)> inserted)
    {
        var moves = new CounterMoves();
        var fresh = settlements.Where(s => inserted.Contains((s.Entry.RequestId, s.Entry.Kind)) && s.Hold.Lines.Count > 0).ToList();
        if (fresh.Count == 0)
        {
            return moves;
        }

        // A statement after the hold rows were locked, so it sees any reconciliation that finished first.
        var doubted = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using (var command = PgSql.Command(connection, """
            SELECT d.request_id, EXISTS (SELECT 1 FROM budget_entries r WHERE r.request_id = d.request_id AND r.kind = 'release' AND r.seq = 1)
            FROM budget_entries d WHERE d.kind = 'in_doubt' AND d.seq = 0 AND d.request_id = ANY($1::text[]);
            """, (object)fresh.Select(s => s.Entry.RequestId).ToArray()))
        {
            command.Transaction = transaction;
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                doubted[reader.GetString(0)] = reader.GetBoolean(1);
            }
        }

        foreach (var (entry, hold, record) in fresh)
        {
            var inDoubt = doubted.TryGetValue(entry.RequestId, out var releasedByOperator);
            foreach (var line in hold.Lines)
            {
                var cost = record is null || entry.Kind == "release" ? 0 : _currency.Convert(record.Cost, record.Currency, line.Currency).Value;
                var (held, spent) = (inDoubt, releasedByOperator) switch
                {
                    (false, _) => (-line.Amount.Value, cost),
                    (true, false) => (0L, cost - line.Amount.Value),
                    (true, true) => (0L, cost),
                };
                moves.Add(line.LineId, line.WindowStart.ToUnixTimeMilliseconds(), held, spent);
            }
        }

        return moves;
    }

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private sealed class PendingWrite
    {
        public UsageRecord? Record { get; init; }

        public BudgetHold? Release { get; init; }

        public EntryRow? Attempt { get; init; }
    }
}

/// <summary>One <c>budget_entries</c> row written by the ledger writer.</summary>
internal sealed record EntryRow(string RequestId, string Kind, int Seq, long At, string Provider, string Deployment, long AmountMicros);
