using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The one place that maps <see cref="UsageRecord"/> to and from the <c>usage_records</c> table.</summary>
internal static class UsageRecordSql
{
    public const string Columns = Rows.UsageRecordRows.Columns;

    public static PositionalStatement CreateInsert(SqliteConnection connection)
    {
        var positions = string.Join(", ", Enumerable.Range(1, Columns.Split(", ").Length).Select(i => "?" + i));

        // A request id is recorded once; a repeated write of the same id is a no-op, never a second charge.
        return new PositionalStatement(connection,
            $"INSERT INTO usage_records ({Columns}) VALUES ({positions}) ON CONFLICT (request_id) DO NOTHING;");
    }

    /// <summary>Binds a record to <see cref="CreateInsert"/>'s statement, position by position in <see cref="Columns"/>' order.</summary>
    public static void Bind(PositionalStatement insert, UsageRecord r)
    {
        insert.Text(1, r.RequestId);
        insert.Integer(2, r.CreatedAt.ToUnixTimeMilliseconds());
        insert.Text(3, r.KeyId);
        insert.Text(4, r.RunId);
        insert.Text(5, r.Endpoint);
        insert.Text(6, r.ModelAlias);
        insert.Text(7, r.Provider);
        insert.Text(8, r.Deployment);
        insert.Text(9, r.UpstreamModel);
        insert.Text(10, r.Jurisdiction);
        insert.Integer(11, r.Usage.InputUncached);
        insert.Integer(12, r.Usage.CacheRead);
        insert.Integer(13, r.Usage.CacheWrite);
        insert.Integer(14, r.Usage.Output);
        insert.Integer(15, r.Usage.Reasoning);
        insert.Integer(16, r.UsageEstimated);
        insert.Integer(17, r.Cost.Value);
        insert.Text(18, r.Currency);
        insert.Integer(19, r.Unpriced);
        insert.Text(20, r.Status);
        insert.Integer(21, r.HttpStatus);
        insert.Text(22, r.Error);
        insert.Integer(23, r.Streamed);
        insert.Integer(24, r.Attempts);
        insert.Real(25, r.LatencyMs);
        insert.Real(26, r.TimeToFirstTokenMs);
        insert.Text(27, r.Project);
        insert.Integer(28, r.UsageSuspect);
        insert.Text(29, Rows.ClaimedUsageText.Write(r.ClaimedUsage));
        insert.Text(30, Rows.FailedAttemptsText.Write(r.FailedAttempts));
    }
}
