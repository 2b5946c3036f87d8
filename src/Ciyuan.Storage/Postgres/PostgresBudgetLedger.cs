using Ciyuan.Core.Budgets;
using Ciyuan.Core.Budgets.Leases;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Rows;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Budgets shared by several instances, at in-memory speed: each instance leases slices of the
/// lines it serves (<see cref="PostgresLeases"/>) and grants holds from them in memory
/// (<see cref="LeaseBook"/>). A granted hold is still written to the database before its request
/// leaves — in the writer's next group commit, fenced by the lease — so a request is never sent on a
/// hold the database does not have, and the line's cap holds whatever any instance's memory says.
/// Settlements move the lease's own counters in the usage record's transaction
/// (<see cref="PostgresUsageLedger"/>). See docs/design/0008-budget-leases.md.
/// </summary>
public sealed class PostgresBudgetLedger : IBudgetLedger
{
    /// <summary>How many times a request goes round (renew, hold) before its hold is given up as unavailable.</summary>
    private const int MaxRounds = 64;

    /// <summary>
    /// A request short on a nearly spent line while other instances hold unused slices of it (they
    /// are asked to give them back at once) looks again this many times, <see cref="TailPause"/>
    /// apart, before it is refused.
    /// </summary>
    private const int TailLooks = 16;

    private static readonly TimeSpan TailPause = TimeSpan.FromMilliseconds(25);

    private readonly PostgresDatabase _database;
    private readonly PostgresUsageLedger _writer;
    private readonly PostgresLeases _leases;
    private readonly LeaseBook _book;
    private readonly StorageOptions _options;

    internal PostgresBudgetLedger(PostgresDatabase database, PostgresUsageLedger writer, PostgresLeases leases, LeaseBook book, StorageOptions options)
    {
        _database = database;
        _writer = writer;
        _leases = leases;
        _book = book;
        _options = options;
    }

    /// <summary>How long an instance may be silent before its open holds are taken for orphans.</summary>
    internal TimeSpan OrphanAfter { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<ReservationOutcome> ReserveAsync(BudgetHold hold, IReadOnlyList<BudgetLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ArgumentNullException.ThrowIfNull(lines);
        _leases.Remember(hold, lines);
        var tailLooks = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            var decision = _book.TryHold(hold, firstAsk: round == 0);
            if (decision.Granted)
            {
                if (await _writer.HoldAsync(hold).ConfigureAwait(false))
                {
                    return ReservationOutcome.Grant;
                }

                // The fence refused it: another instance reclaimed part of a slice this book still
                // counted. The slices are renewed before the next try.
                foreach (var line in hold.Lines)
                {
                    _book.Invalidate(SliceKey.Of(line));
                }

                continue;
            }

            IReadOnlyList<(LeaseRow Row, bool Lacking)> renewed;
            try
            {
                renewed = await _leases.RenewForAsync(decision.Short, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                throw new StorageException($"a budget lease could not be renewed in the {_database.Description}: {ex.Message}", ex);
            }

            var lacking = renewed.Where(r => r.Lacking).ToList();
            if (lacking.Count == 0)
            {
                continue;
            }

            // Short of room on a line. If other instances hold unused slices of it, they were asked
            // to give them back: wait a little for that before refusing.
            if (lacking.Any(r => r.Row.OthersFree > 0) && tailLooks++ < TailLooks)
            {
                await Task.Delay(TailPause, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (await AlreadyHeldAsync(hold.RequestId).ConfigureAwait(false))
            {
                // A repeat of a request that holds already (its own hold may be what filled the line).
                return ReservationOutcome.Grant;
            }

            var (row, _) = lacking[0];
            var index = IndexOf(hold, row.Key);
            var free = Math.Max(0, _book.Read(row.Key).Free);
            return ReservationOutcome.Refuse(lines[index], new MicroUnits(free + Math.Max(0, row.Room)), hold.Lines[index].Amount);
        }

        throw new StorageException($"request {hold.RequestId}: its budget hold could not be taken after {MaxRounds} tries (the lines' leases kept changing); retry shortly.");
    }

    public ValueTask RecordAttemptAsync(string requestId, int attempt, string provider, string deployment, CancellationToken cancellationToken) =>
        _writer.AppendAttemptAsync(requestId, attempt, provider, deployment, cancellationToken);

    public ValueTask ReleaseAsync(BudgetHold hold, CancellationToken cancellationToken) => _writer.AppendReleaseAsync(hold, cancellationToken);

    /// <summary>Each line in its window: spent and held by every instance, in leases or not.</summary>
    public async ValueTask<IReadOnlyList<BudgetStatus>> StatusAsync(IReadOnlyList<BudgetLine> lines, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var windows = lines.Select(l => BudgetWindows.StartOf(l.Period, now, _options.TimeZone)).ToArray();
        var found = new Dictionary<(string, long), (long Spent, long Held)>();
        if (lines.Count > 0)
        {
            await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = PgSql.Command(connection, """
                SELECT u.l, u.w,
                       coalesce(b.spent_micros, 0) + coalesce((SELECT sum(x.spent_micros) FROM budget_leases x WHERE x.line_id = u.l AND x.window_start = u.w), 0)::bigint,
                       coalesce(b.held_micros, 0) + coalesce((SELECT sum(x.held_micros) FROM budget_leases x WHERE x.line_id = u.l AND x.window_start = u.w), 0)::bigint
                FROM unnest($1::text[], $2::bigint[]) AS u(l, w)
                LEFT JOIN budget_counters b ON b.line_id = u.l AND b.window_start = u.w;
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
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, BudgetRows.InDoubtQuery);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var holds = new List<InDoubtHold>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            holds.Add(BudgetRows.ReadInDoubt(reader));
        }

        return holds;
    }

    public async ValueTask<bool> ReleaseInDoubtAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await PostgresInDoubt.ReleaseAsync(_database, requestId, at.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Holds of instances silent for <see cref="OrphanAfter"/> (by the database's clock) become in
    /// doubt, and expired leases give their unused part back to their lines. Returns how many holds were marked.
    /// </summary>
    internal async Task<int> ReconcileOrphansAsync(CancellationToken cancellationToken)
    {
        var marked = await PostgresInDoubt.ReconcileOrphansAsync(_database, _options.InstanceId, OrphanAfter,
            _options.Time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reclaim = PgSql.Command(connection, "SELECT ciyuan_reclaim_expired();");
        await reclaim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return marked;
    }

    private async Task<bool> AlreadyHeldAsync(string requestId)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, "SELECT 1 FROM budget_entries WHERE request_id = $1 AND kind = 'hold' AND seq = 0;", requestId);
        return await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is not null;
    }

    private static int IndexOf(BudgetHold hold, SliceKey key)
    {
        for (var i = 0; i < hold.Lines.Count; i++)
        {
            if (SliceKey.Of(hold.Lines[i]) == key)
            {
                return i;
            }
        }

        return 0;
    }
}
