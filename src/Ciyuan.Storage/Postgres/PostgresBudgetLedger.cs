using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Rows;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Budgets shared by several instances: every hold is checked and taken in the database, in one
/// round trip (<c>ciyuan_reserve</c>), against counters that hold every instance's spend and holds.
/// Settlements move the counters in the usage record's transaction (<see cref="PostgresUsageLedger"/>).
/// </summary>
public sealed class PostgresBudgetLedger(PostgresDatabase database, PostgresUsageLedger writer, StorageOptions options) : IBudgetLedger
{
    /// <summary>How long an instance may be silent before its open holds are taken for orphans.</summary>
    internal TimeSpan OrphanAfter { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<ReservationOutcome> ReserveAsync(BudgetHold hold, IReadOnlyList<BudgetLine> lines, CancellationToken cancellationToken)
    {
        // Sorted by (line, window): the order every writer locks counters in.
        var order = Enumerable.Range(0, lines.Count)
            .OrderBy(i => hold.Lines[i].LineId, StringComparer.Ordinal).ThenBy(i => hold.Lines[i].WindowStart)
            .ToArray();
        var target = hold.Target;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection,
            "SELECT refused_index, remaining FROM ciyuan_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text[], $13::bigint[], $14::bigint[], $15::bigint[]);",
            hold.RequestId, hold.At.ToUnixTimeMilliseconds(), options.InstanceId, target.KeyId, target.Project, target.RunId, target.Model,
            hold.Provider, hold.Deployment, hold.WorstCaseUsd.Value, HeldLinesText.Write(hold.Lines),
            order.Select(i => hold.Lines[i].LineId).ToArray(),
            order.Select(i => hold.Lines[i].WindowStart.ToUnixTimeMilliseconds()).ToArray(),
            order.Select(i => hold.Lines[i].Amount.Value).ToArray(),
            order.Select(i => lines[i].Limit.Value).ToArray());
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        var refused = reader.GetInt32(0);
        if (refused < 0)
        {
            return ReservationOutcome.Grant;
        }

        var index = order[refused];
        return ReservationOutcome.Refuse(lines[index], new MicroUnits(reader.GetInt64(1)), hold.Lines[index].Amount);
    }

    public ValueTask RecordAttemptAsync(string requestId, int attempt, string provider, string deployment, CancellationToken cancellationToken) =>
        writer.AppendAttemptAsync(requestId, attempt, provider, deployment, cancellationToken);

    public ValueTask ReleaseAsync(BudgetHold hold, CancellationToken cancellationToken) => writer.AppendReleaseAsync(hold, cancellationToken);

    public async ValueTask<IReadOnlyList<BudgetStatus>> StatusAsync(IReadOnlyList<BudgetLine> lines, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windows = lines.Select(l => BudgetWindows.StartOf(l.Period, now, options.TimeZone)).ToArray();
        var found = new Dictionary<(string, long), (long Spent, long Held)>();
        if (lines.Count > 0)
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = PgSql.Command(connection, """
                SELECT b.line_id, b.window_start, b.spent_micros, b.held_micros FROM budget_counters b
                JOIN unnest($1::text[], $2::bigint[]) AS u(l, w) ON b.line_id = u.l AND b.window_start = u.w;
                """, lines.Select(l => l.Id).ToArray(), windows.Select(w => w.ToUnixTimeMilliseconds()).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[(reader.GetString(0), reader.GetInt64(1))] = (reader.GetInt64(2), reader.GetInt64(3));
            }
        }

        return lines.Select((line, i) =>
        {
            var (spent, held) = found.GetValueOrDefault((line.Id, windows[i].ToUnixTimeMilliseconds()));
            return new BudgetStatus(line, windows[i], new MicroUnits(spent), new MicroUnits(held));
        }).ToList();
    }

    public async ValueTask<IReadOnlyList<InDoubtHold>> ListInDoubtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, BudgetRows.InDoubtQuery);
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string? linesText;
        await using (var lockHold = PgSql.Command(connection,
            "SELECT lines FROM budget_entries WHERE request_id = $1 AND kind = 'hold' AND seq = 0 FOR UPDATE;", requestId))
        {
            // The hold row is the lock a late settlement also takes, so the two cannot both count.
            lockHold.Transaction = transaction;
            linesText = await lockHold.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        await using (var insert = PgSql.Command(connection, """
            INSERT INTO budget_entries (request_id, kind, seq, at, amount_micros)
            SELECT h.request_id, 'release', 1, $2, h.amount_micros FROM budget_entries h
            WHERE h.request_id = $1 AND h.kind = 'hold' AND h.seq = 0
              AND EXISTS (SELECT 1 FROM budget_entries d WHERE d.request_id = $1 AND d.kind = 'in_doubt')
              AND NOT EXISTS (SELECT 1 FROM budget_entries c WHERE c.request_id = $1 AND c.kind IN ('commit', 'release'))
              AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = $1)
            ON CONFLICT DO NOTHING;
            """, requestId, at.ToUnixTimeMilliseconds()))
        {
            insert.Transaction = transaction;
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        var moves = new CounterMoves();
        foreach (var line in HeldLinesText.Read(linesText))
        {
            moves.Add(line.LineId, line.WindowStart.ToUnixTimeMilliseconds(), 0, -line.Amount.Value);
        }

        await moves.ApplyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Holds of instances silent for <see cref="OrphanAfter"/> by the database's clock (or never
    /// seen) and never settled become in doubt: their held amount moves to spent. Several instances
    /// may run this at once, and a presumed-dead instance may still settle: candidates are locked
    /// (skipping any another transaction holds) and checked again by a later statement, and the
    /// in_doubt entry's key lets only one transaction move each hold. Returns how many were marked.
    /// </summary>
    internal async Task<int> ReconcileOrphansAsync(CancellationToken cancellationToken)
    {
        const int BatchSize = 1000;
        var at = options.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var marked = 0;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var candidates = new Dictionary<string, string?>(StringComparer.Ordinal);
            await using (var find = PgSql.Command(connection, $"""
                SELECT h.request_id, h.lines FROM budget_entries h
                LEFT JOIN instances i ON i.id = h.instance
                WHERE h.kind = 'hold' AND h.seq = 0 AND h.instance IS DISTINCT FROM $1
                  AND (i.id IS NULL OR i.last_seen < {PostgresClock.NowMilliseconds} - $2)
                  AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = h.request_id AND e.kind IN ('commit', 'release', 'in_doubt'))
                  AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = h.request_id)
                ORDER BY h.request_id
                LIMIT {BatchSize}
                FOR UPDATE OF h SKIP LOCKED;
                """, options.InstanceId, (long)OrphanAfter.TotalMilliseconds))
            {
                find.Transaction = transaction;
                await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    candidates[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
                }
            }

            if (candidates.Count == 0)
            {
                return marked;
            }

            var moves = new CounterMoves();
            await using (var mark = PgSql.Command(connection, """
                INSERT INTO budget_entries (request_id, kind, seq, at, amount_micros)
                SELECT h.request_id, 'in_doubt', 0, $2, h.amount_micros FROM budget_entries h
                WHERE h.request_id = ANY($1::text[]) AND h.kind = 'hold' AND h.seq = 0
                  AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = h.request_id AND e.kind IN ('commit', 'release', 'in_doubt'))
                  AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = h.request_id)
                ON CONFLICT DO NOTHING
                RETURNING request_id;
                """, candidates.Keys.ToArray(), at))
            {
                mark.Transaction = transaction;
                await using var reader = await mark.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    marked++;
                    foreach (var line in HeldLinesText.Read(candidates[reader.GetString(0)]))
                    {
                        moves.Add(line.LineId, line.WindowStart.ToUnixTimeMilliseconds(), -line.Amount.Value, line.Amount.Value);
                    }
                }
            }

            await moves.ApplyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (candidates.Count < BatchSize)
            {
                return marked;
            }
        }
    }
}
