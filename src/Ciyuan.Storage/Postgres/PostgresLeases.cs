using System.Collections.Concurrent;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Budgets.Leases;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// This instance's side of the lease protocol: asks the database (<c>ciyuan_lease</c>) to grow,
/// renew or give back slices and tells the <see cref="LeaseBook"/> what it answered. One renewal per
/// slice at a time: requests that find a slice short queue for it and look again before asking, so a
/// burst of requests costs one round trip, not one each. In the background, slices in use are
/// renewed before they expire or run low, and slices left unused are given back.
/// </summary>
internal sealed class PostgresLeases(PostgresDatabase database, StorageOptions options, LeaseBook book)
{
    private readonly ConcurrentDictionary<SliceKey, long> _limits = new();
    private readonly ConcurrentDictionary<SliceKey, SemaphoreSlim> _turns = new();

    /// <summary>The longest a renewal may wait (for the line's row lock, say) before it counts as failed.</summary>
    public TimeSpan RenewTimeout { get; } = TimeSpan.FromSeconds(Math.Clamp(options.Config.Leases.Duration.TotalSeconds / 4, 1, 5));

    /// <summary>Slices renewed, for diagnostics and tests (each a database round trip).</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    private long _renewals;

    /// <summary>The caps of the lines a hold touches, so background renewals know them.</summary>
    public void Remember(BudgetHold hold, IReadOnlyList<BudgetLine> lines)
    {
        for (var i = 0; i < hold.Lines.Count && i < lines.Count; i++)
        {
            _limits[SliceKey.Of(hold.Lines[i])] = lines[i].Limit.Value;
        }
    }

    /// <summary>
    /// Gets each lacking slice at least its need, one renewal per slice at a time (taken in key order,
    /// so two requests never wait on each other). A slice that already has the need once its turn
    /// comes is not renewed again. Returns what the database said for each slice it asked about, and
    /// whether that was still short.
    /// </summary>
    public async Task<IReadOnlyList<(LeaseRow Row, bool Lacking)>> RenewForAsync(IReadOnlyList<(SliceKey Key, long Need)> lacking, CancellationToken cancellationToken)
    {
        var ordered = lacking.OrderBy(l => l.Key.LineId, StringComparer.Ordinal).ThenBy(l => l.Key.WindowStart).ToList();
        var taken = new List<SemaphoreSlim>(ordered.Count);
        try
        {
            foreach (var (key, _) in ordered)
            {
                var turn = _turns.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));
                await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
                taken.Add(turn);
            }

            var asks = new List<Ask>();
            foreach (var (key, need) in ordered)
            {
                if (book.HasRoom(key, need))
                {
                    // Another request's renewal made room while this one waited its turn.
                    continue;
                }

                var (want, needed) = book.Ask(key, need);
                asks.Add(new Ask(key, want, needed, book.Read(key).Pending));
            }

            return asks.Count == 0 ? [] : await RenewAsync(asks, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var turn in taken)
            {
                turn.Release();
            }
        }
    }

    /// <summary>
    /// Renews the slices due (in use, past half their lease or running low) to the size their spend
    /// rate asks for — never giving a slice back for lack of room, as a request's renewal may — and
    /// gives back those left unused. A slice whose renewal is already under way is left to it.
    /// </summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var taken = new List<SemaphoreSlim>();
        try
        {
            var asks = new List<Ask>();
            foreach (var (key, need) in book.DueForRenewal().OrderBy(d => d.Key.LineId, StringComparer.Ordinal).ThenBy(d => d.Key.WindowStart))
            {
                var turn = _turns.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));
                if (!_limits.ContainsKey(key) || !turn.Wait(0, CancellationToken.None))
                {
                    continue;
                }

                taken.Add(turn);
                var (want, _) = book.Ask(key, need);
                asks.Add(new Ask(key, want, 0, book.Read(key).Pending));
            }

            if (asks.Count > 0)
            {
                await RenewAsync(asks, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var turn in taken)
            {
                turn.Release();
            }
        }

        var idle = book.Idle();
        if (idle.Count > 0)
        {
            await GiveBackAsync(idle, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives back the unused part of these slices (what pending holds need stays).</summary>
    public async Task GiveBackAsync(IReadOnlyList<SliceKey> keys, CancellationToken cancellationToken)
    {
        var asks = keys.Where(_limits.ContainsKey).Select(k => new Ask(k, book.Read(k).Pending, 0, book.Read(k).Pending)).ToList();
        if (asks.Count > 0)
        {
            await RenewAsync(asks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every slice this instance escrows goes back (a clean stop): open holds' amounts stay until they settle.</summary>
    public Task ReturnAllAsync(CancellationToken cancellationToken) => GiveBackAsync(book.Held(), cancellationToken);

    private async Task<IReadOnlyList<(LeaseRow Row, bool Lacking)>> RenewAsync(List<Ask> asks, CancellationToken cancellationToken)
    {
        var started = options.Time.GetTimestamp();
        var results = new List<(LeaseRow, bool)>(asks.Count);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, """
            SELECT line_id, window_start, granted, held, spent, version, room, others_free, line_held, lacking
            FROM ciyuan_lease($1, $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8);
            """,
            options.InstanceId, asks.Select(a => a.Key.LineId).ToArray(), asks.Select(a => a.Key.WindowStart).ToArray(),
            asks.Select(a => _limits.GetValueOrDefault(a.Key)).ToArray(), asks.Select(a => a.Want).ToArray(),
            asks.Select(a => a.Need).ToArray(), asks.Select(a => a.Keep).ToArray(), (long)options.Config.Leases.Duration.TotalMilliseconds);
        command.CommandTimeout = (int)Math.Ceiling(RenewTimeout.TotalSeconds);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new LeaseRow(new SliceKey(reader.GetString(0), reader.GetInt64(1)), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5))
                {
                    Room = reader.GetInt64(6),
                    OthersFree = reader.GetInt64(7),
                    LineHeld = reader.GetInt64(8),
                    FromRenewal = true,
                };
                book.Renewed(row, started);
                results.Add((row, reader.GetBoolean(9)));
            }
        }

        Interlocked.Add(ref _renewals, asks.Count);
        return results;
    }

    private readonly record struct Ask(SliceKey Key, long Want, long Need, long Keep);
}
