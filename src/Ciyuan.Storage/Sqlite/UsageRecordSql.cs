using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The one place that maps <see cref="UsageRecord"/> to and from the <c>usage_records</c> table.</summary>
internal static class UsageRecordSql
{
    public const string Columns = Rows.UsageRecordRows.Columns;

    private static readonly string[] Parameters = Columns.Split(", ").Select(c => "$" + c).ToArray();

    public static SqliteCommand CreateInsert(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        // A request id is recorded once; a repeated write of the same id is a no-op, never a second charge.
        command.CommandText = $"INSERT INTO usage_records ({Columns}) VALUES ({string.Join(", ", Parameters)}) ON CONFLICT (request_id) DO NOTHING;";
        foreach (var name in Parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    // Parameter values are objects: flags and the zeros most token kinds are reuse one box each instead
    // of boxing anew for every record the writer binds.
    private static readonly object True = 1;
    private static readonly object False = 0;
    private static readonly object NoTokens = 0L;

    public static void Bind(SqliteCommand command, UsageRecord r)
    {
        var p = command.Parameters;
        p[0].Value = r.RequestId;
        p[1].Value = r.CreatedAt.ToUnixTimeMilliseconds();
        p[2].Value = r.KeyId;
        p[3].Value = (object?)r.RunId ?? DBNull.Value;
        p[4].Value = r.Endpoint;
        p[5].Value = r.ModelAlias;
        p[6].Value = r.Provider;
        p[7].Value = r.Deployment;
        p[8].Value = r.UpstreamModel;
        p[9].Value = r.Jurisdiction;
        p[10].Value = Tokens(r.Usage.InputUncached);
        p[11].Value = Tokens(r.Usage.CacheRead);
        p[12].Value = Tokens(r.Usage.CacheWrite);
        p[13].Value = Tokens(r.Usage.Output);
        p[14].Value = Tokens(r.Usage.Reasoning);
        p[15].Value = Flag(r.UsageEstimated);
        p[16].Value = r.Cost.Value;
        p[17].Value = r.Currency;
        p[18].Value = Flag(r.Unpriced);
        p[19].Value = r.Status;
        p[20].Value = r.HttpStatus;
        p[21].Value = (object?)r.Error ?? DBNull.Value;
        p[22].Value = Flag(r.Streamed);
        p[23].Value = r.Attempts;
        p[24].Value = r.LatencyMs;
        p[25].Value = r.TimeToFirstTokenMs is { } ttft ? ttft : DBNull.Value;
        p[26].Value = (object?)r.Project ?? DBNull.Value;
        p[27].Value = Flag(r.UsageSuspect);
        p[28].Value = (object?)Rows.ClaimedUsageText.Write(r.ClaimedUsage) ?? DBNull.Value;
        p[29].Value = (object?)Rows.FailedAttemptsText.Write(r.FailedAttempts) ?? DBNull.Value;
    }

    private static object Flag(bool value) => value ? True : False;

    private static object Tokens(long count) => count == 0 ? NoTokens : count;
}
