using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// What a transaction changes on the budget counters — per line and window: held, spent and leased —
/// and on leases — per line, window and instance: held and granted — summed, then applied counters
/// first, each in (line id, window[, instance]) order: the order every writer locks in, so instances
/// never deadlock. A lease left with nothing in it is deleted.
/// </summary>
internal sealed class CounterMoves
{
    private static readonly Comparer<(string LineId, long Window)> LineOrder = Comparer<(string LineId, long Window)>.Create(
        static (a, b) => string.CompareOrdinal(a.LineId, b.LineId) is var byLine && byLine != 0 ? byLine : a.Window.CompareTo(b.Window));

    private static readonly Comparer<(string LineId, long Window, string Instance)> LeaseOrder = Comparer<(string LineId, long Window, string Instance)>.Create(
        static (a, b) => LineOrder.Compare((a.LineId, a.Window), (b.LineId, b.Window)) is var byLine && byLine != 0 ? byLine : string.CompareOrdinal(a.Instance, b.Instance));

    private readonly SortedDictionary<(string LineId, long Window), (long Held, long Spent, long Leased)> _counters = new(LineOrder);
    private readonly SortedDictionary<(string LineId, long Window, string Instance), (long Held, long Granted)> _leases = new(LeaseOrder);

    public int Count => _counters.Count + _leases.Count;

    public void Add(string lineId, long window, long heldDelta, long spentDelta, long leasedDelta = 0)
    {
        var key = (lineId, window);
        var (held, spent, leased) = _counters.GetValueOrDefault(key);
        _counters[key] = (held + heldDelta, spent + spentDelta, leased + leasedDelta);
    }

    /// <summary>A change to one instance's lease (its open holds and what it escrows).</summary>
    public void AddLease(string lineId, long window, string instance, long heldDelta, long grantedDelta)
    {
        var key = (lineId, window, instance);
        var (held, granted) = _leases.GetValueOrDefault(key);
        _leases[key] = (held + heldDelta, granted + grantedDelta);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (_counters.Count > 0)
        {
            var ids = _counters.Keys.Select(k => k.LineId).ToArray();
            var windows = _counters.Keys.Select(k => k.Window).ToArray();
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
                SET held_micros = greatest(0, b.held_micros + u.h), spent_micros = greatest(0, b.spent_micros + u.s),
                    leased_micros = greatest(0, b.leased_micros + u.le)
                FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS u(l, w, h, s, le)
                WHERE b.line_id = u.l AND b.window_start = u.w;
                """, ids, windows, _counters.Values.Select(v => v.Held).ToArray(), _counters.Values.Select(v => v.Spent).ToArray(),
                _counters.Values.Select(v => v.Leased).ToArray()));
        }

        if (_leases.Count > 0)
        {
            var ids = _leases.Keys.Select(k => k.LineId).ToArray();
            var windows = _leases.Keys.Select(k => k.Window).ToArray();
            var instances = _leases.Keys.Select(k => k.Instance).ToArray();
            batch.BatchCommands.Add(PgSql.Command("""
                SELECT 1 FROM budget_leases b
                WHERE (b.line_id, b.window_start, b.instance) IN (SELECT u.l, u.w, u.i FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(l, w, i))
                ORDER BY b.line_id, b.window_start, b.instance FOR UPDATE;
                """, ids, windows, instances));
            batch.BatchCommands.Add(PgSql.Command("""
                UPDATE budget_leases b
                SET held_micros = greatest(0, b.held_micros + u.h), granted_micros = greatest(0, b.granted_micros + u.g),
                    version = nextval('ciyuan_lease_versions')
                FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[]) AS u(l, w, i, h, g)
                WHERE b.line_id = u.l AND b.window_start = u.w AND b.instance = u.i;
                """, ids, windows, instances, _leases.Values.Select(v => v.Held).ToArray(), _leases.Values.Select(v => v.Granted).ToArray()));
            batch.BatchCommands.Add(PgSql.Command("""
                DELETE FROM budget_leases b
                USING unnest($1::text[], $2::bigint[], $3::text[]) AS u(l, w, i)
                WHERE b.line_id = u.l AND b.window_start = u.w AND b.instance = u.i
                  AND b.granted_micros = 0 AND b.held_micros = 0 AND b.spent_micros = 0;
                """, ids, windows, instances));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
