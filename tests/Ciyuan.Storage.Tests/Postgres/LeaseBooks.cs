using Npgsql;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Reads a database's budget counters and leases straight from its tables, and checks the
/// invariant the lease protocol keeps on every line: spent + held + leased within the cap, leased
/// equal to what the line's leases escrow, and each lease's held and spent within what it escrows.
/// </summary>
internal static class LeaseBooks
{
    public sealed record LineState(long Spent, long Held, long Leased, long LeasesGranted, long LeasesHeld, long LeasesSpent, int Leases)
    {
        /// <summary>Everything spent on the line, in leases or not.</summary>
        public long TotalSpent => Spent + LeasesSpent;

        /// <summary>Everything held by open holds on the line.</summary>
        public long TotalHeld => Held + LeasesHeld;
    }

    public static async Task<LineState> ReadAsync(string database, string lineId, long window = 0)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(c.spent_micros, 0), coalesce(c.held_micros, 0), coalesce(c.leased_micros, 0),
                   coalesce((SELECT sum(granted_micros) FROM budget_leases WHERE line_id = $1 AND window_start = $2), 0)::bigint,
                   coalesce((SELECT sum(held_micros) FROM budget_leases WHERE line_id = $1 AND window_start = $2), 0)::bigint,
                   coalesce((SELECT sum(spent_micros) FROM budget_leases WHERE line_id = $1 AND window_start = $2), 0)::bigint,
                   (SELECT count(*) FROM budget_leases WHERE line_id = $1 AND window_start = $2)::integer
            FROM (SELECT 1) AS one LEFT JOIN budget_counters c ON c.line_id = $1 AND c.window_start = $2;
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = lineId });
        command.Parameters.Add(new NpgsqlParameter { Value = window });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        return new LineState(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt32(6));
    }

    /// <summary>Fails the test, naming the line and the numbers, if the line breaks the invariant.</summary>
    public static async Task<LineState> AssertInvariantAsync(string database, string lineId, long cap, long window = 0)
    {
        var line = await ReadAsync(database, lineId, window);
        Assert.True(line.Spent + line.Held + line.Leased <= cap,
            $"{lineId}: spent {line.Spent} + held {line.Held} + leased {line.Leased} exceeds the cap {cap}");
        Assert.True(line.Leased == line.LeasesGranted, $"{lineId}: counters say {line.Leased} leased, the leases escrow {line.LeasesGranted}");
        Assert.True(line.LeasesHeld + line.LeasesSpent <= line.LeasesGranted,
            $"{lineId}: leases hold {line.LeasesHeld} and spent {line.LeasesSpent} of only {line.LeasesGranted}");
        return line;
    }

    /// <summary>Runs SQL against the database directly (fault injection: what time or another process would do).</summary>
    public static async Task ExecuteAsync(string database, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Makes an instance look dead to the others (silent for ever) and its leases expired.</summary>
    public static async Task KillInDatabaseAsync(string database, string instanceId)
    {
        await ExecuteAsync(database, "UPDATE instances SET last_seen = 0 WHERE id = $1;", instanceId);
        await ExecuteAsync(database, "UPDATE budget_leases SET expires_at = 0 WHERE instance = $1;", instanceId);
    }
}
