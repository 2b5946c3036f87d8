using Ciyuan.Core.Metering;
using Ciyuan.Storage.Rows;

namespace Ciyuan.Storage.Sqlite;

/// <summary>Reads <c>usage_series</c> by its primary key's leading column (the bucket), never the records.</summary>
public sealed class SqliteUsageSeriesReader(SqliteDatabase database) : IUsageSeriesReader
{
    public async Task<IReadOnlyList<UsageSeriesRow>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UsageSeriesRows.Columns} FROM usage_series WHERE bucket >= $from AND bucket < $to ORDER BY bucket;";
        command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<UsageSeriesRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(UsageSeriesRows.Read(reader));
        }

        return rows;
    }
}
