using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// What a transaction changes on the budget counters, summed per line and window, then applied in
/// (line id, window) order — the order every writer locks in, so instances never deadlock.
/// </summary>
internal sealed class CounterMoves
{
    private readonly SortedDictionary<(string LineId, long Window), (long Held, long Spent)> _moves = new(Comparer);

    private static readonly Comparer<(string LineId, long Window)> Comparer = Comparer<(string LineId, long Window)>.Create(
        static (a, b) => string.CompareOrdinal(a.LineId, b.LineId) is var byLine && byLine != 0 ? byLine : a.Window.CompareTo(b.Window));

    public int Count => _moves.Count;

    public void Add(string lineId, long window, long heldDelta, long spentDelta)
    {
        var key = (lineId, window);
        var (held, spent) = _moves.GetValueOrDefault(key);
        _moves[key] = (held + heldDelta, spent + spentDelta);
    }

    public void Clear() => _moves.Clear();

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (_moves.Count == 0)
        {
            return;
        }

        var ids = _moves.Keys.Select(k => k.LineId).ToArray();
        var windows = _moves.Keys.Select(k => k.Window).ToArray();
        var held = _moves.Values.Select(v => v.Held).ToArray();
        var spent = _moves.Values.Select(v => v.Spent).ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(PgSql.Command(
            "INSERT INTO budget_counters (line_id, window_start, spent_micros, held_micros) SELECT u.l, u.w, 0, 0 FROM unnest($1::text[], $2::bigint[]) AS u(l, w) ON CONFLICT DO NOTHING;",
            ids, windows));
        batch.BatchCommands.Add(PgSql.Command("""
            SELECT 1 FROM budget_counters b
            WHERE (b.line_id, b.window_start) IN (SELECT u.l, u.w FROM unnest($1::text[], $2::bigint[]) AS u(l, w))
            ORDER BY b.line_id, b.window_start FOR UPDATE;
            """, ids, windows));
        batch.BatchCommands.Add(PgSql.Command("""
            UPDATE budget_counters b
            SET held_micros = greatest(0, b.held_micros + u.h), spent_micros = greatest(0, b.spent_micros + u.s)
            FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(l, w, h, s)
            WHERE b.line_id = u.l AND b.window_start = u.w;
            """, ids, windows, held, spent));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
