namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Holds whose requests may have been served but will never be settled become in doubt: they count
/// as spent at the held amount until an operator releases them. That happens to the open holds of an
/// instance silent for <c>orphan_after</c> (by the database's clock), and to a live instance's own
/// hold whose usage record could not be made durable. A leased hold's amount leaves its lease for the
/// line's spent; an older, unleased one's leaves the line's held. Several instances may do this at
/// once and a presumed-dead instance may still settle: candidates are locked (skipping any another
/// transaction holds) and checked again by a later statement, and the in_doubt entry's key lets only
/// one transaction move each hold.
/// </summary>
internal static class PostgresInDoubt
{
    private const int BatchSize = 1000;

    private const string Unsettled = """
        NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = h.request_id AND e.kind IN ('commit', 'release', 'in_doubt'))
        AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = h.request_id)
        """;

    /// <summary>Open holds of instances silent for <paramref name="orphanAfter"/>; returns how many were marked.</summary>
    public static async Task<int> ReconcileOrphansAsync(PostgresDatabase database, string self, TimeSpan orphanAfter, long at, CancellationToken cancellationToken)
    {
        var marked = 0;
        while (true)
        {
            var found = await MarkAsync(database, $"""
                SELECT h.request_id, h.lines, h.leased, h.instance FROM instances i
                JOIN budget_entries h ON h.instance = i.id AND h.kind = 'hold' AND h.seq = 0
                WHERE i.id <> $1 AND NOT i.gone AND i.last_seen < ciyuan_now_ms() - $2 AND {Unsettled}
                ORDER BY h.request_id
                LIMIT {BatchSize}
                FOR UPDATE OF h SKIP LOCKED;
                """, [self, (long)orphanAfter.TotalMilliseconds], at, cancellationToken).ConfigureAwait(false);
            marked += found.Marked;
            if (found.Candidates < BatchSize)
            {
                break;
            }
        }

        // Instances silent that long with nothing left open are gone: later searches skip them.
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var gone = PgSql.Command(connection, $"""
            UPDATE instances i SET gone = true
            WHERE i.id <> $1 AND NOT i.gone AND i.last_seen < ciyuan_now_ms() - $2
              AND NOT EXISTS (SELECT 1 FROM budget_entries h WHERE h.instance = i.id AND h.kind = 'hold' AND h.seq = 0 AND {Unsettled});
            """, self, (long)orphanAfter.TotalMilliseconds);
        await gone.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return marked;
    }

    /// <summary>These requests' open holds (a live instance's, whose records could not be made durable); returns how many were marked.</summary>
    public static async Task<int> MarkRequestsAsync(PostgresDatabase database, IReadOnlyList<string> requestIds, long at, CancellationToken cancellationToken)
    {
        if (requestIds.Count == 0)
        {
            return 0;
        }

        var found = await MarkAsync(database, $"""
            SELECT h.request_id, h.lines, h.leased, h.instance FROM budget_entries h
            WHERE h.request_id = ANY($1::text[]) AND h.kind = 'hold' AND h.seq = 0 AND {Unsettled}
            ORDER BY h.request_id
            FOR UPDATE OF h SKIP LOCKED;
            """, [requestIds.ToArray()], at, cancellationToken).ConfigureAwait(false);
        return found.Marked;
    }

    /// <summary>An operator's decision that an in-doubt request cost nothing; false when it is not in doubt.</summary>
    public static async Task<bool> ReleaseAsync(PostgresDatabase database, string requestId, long at, CancellationToken cancellationToken)
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
            """, requestId, at))
        {
            insert.Transaction = transaction;
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        // Being in doubt put the held amount in the line's spent, leased or not; it leaves it now.
        var moves = new CounterMoves();
        foreach (var line in HeldLinesText.Read(linesText))
        {
            moves.Add(line.LineId, line.WindowStart.ToUnixTimeMilliseconds(), 0, -line.Amount.Value);
        }

        await moves.ApplyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<(int Candidates, int Marked)> MarkAsync(PostgresDatabase database, string findSql, object?[] findArguments, long at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var candidates = new Dictionary<string, (string? Lines, bool Leased, string? Owner)>(StringComparer.Ordinal);
        await using (var find = PgSql.Command(connection, findSql, findArguments))
        {
            find.Transaction = transaction;
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            }
        }

        if (candidates.Count == 0)
        {
            return (0, 0);
        }

        var marked = 0;
        var moves = new CounterMoves();
        await using (var mark = PgSql.Command(connection, $"""
            INSERT INTO budget_entries (request_id, kind, seq, at, amount_micros)
            SELECT h.request_id, 'in_doubt', 0, $2, h.amount_micros FROM budget_entries h
            WHERE h.request_id = ANY($1::text[]) AND h.kind = 'hold' AND h.seq = 0 AND {Unsettled}
            ON CONFLICT DO NOTHING
            RETURNING request_id;
            """, candidates.Keys.ToArray(), at))
        {
            mark.Transaction = transaction;
            await using var reader = await mark.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                marked++;
                var (lines, leased, owner) = candidates[reader.GetString(0)];
                foreach (var line in HeldLinesText.Read(lines))
                {
                    var window = line.WindowStart.ToUnixTimeMilliseconds();
                    var amount = line.Amount.Value;
                    if (leased && owner is not null)
                    {
                        // Out of its lease (held and escrowed), into the line's spent.
                        moves.Add(line.LineId, window, 0, amount, -amount);
                        moves.AddLease(line.LineId, window, owner, -amount, -amount);
                    }
                    else
                    {
                        moves.Add(line.LineId, window, -amount, amount);
                    }
                }
            }
        }

        await moves.ApplyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (candidates.Count, marked);
    }
}
