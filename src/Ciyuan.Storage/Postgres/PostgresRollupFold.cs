namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Each instance adds its records to rollup rows of its own, so instances writing at once never
/// wait on one another (migration 0007). Rows that no instance writes any more — days before today
/// and quarter-hours more than an hour old, by the database's clock — are folded into the shared
/// rows, so the rollup tables stay as small as one instance's however often instances restart.
/// Reports read the sum either way; a record arriving late for a folded day (written from the
/// outage journal) starts a new row of its instance, folded next time.
/// </summary>
internal static class PostgresRollupFold
{
    /// <summary>How old a quarter-hour must be before its rows are folded.</summary>
    private const long SeriesSettledMs = 3_600_000;

    /// <summary>Folds what is due; returns how many shared rows were written.</summary>
    public static async Task<int> FoldAsync(PostgresDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var fold = PgSql.Command(connection, $"""
            SELECT ciyuan_fold_rollups(to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ciyuan_now_ms() - {SeriesSettledMs});
            """);
        fold.CommandTimeout = 120;
        return (int)(await fold.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
