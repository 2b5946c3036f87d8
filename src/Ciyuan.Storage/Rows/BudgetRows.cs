using System.Data.Common;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Rows;

/// <summary>Budget lines and in-doubt holds as both backends store them (the SQL is portable; only parameters differ).</summary>
internal static class BudgetRows
{
    public const string LineColumns = "id, scope, subject, model, period, limit_micros, currency, source";

    /// <summary>Holds marked in doubt and not settled since (by a commit, a usage record or a release), with their latest attempt's provider.</summary>
    public const string InDoubtQuery = """
        SELECT h.request_id, h.at, h.key_id, h.project, h.run_id, h.model,
               coalesce((SELECT a.provider FROM budget_entries a WHERE a.request_id = h.request_id AND a.kind = 'attempt' ORDER BY a.seq DESC LIMIT 1), h.provider),
               coalesce((SELECT a.deployment FROM budget_entries a WHERE a.request_id = h.request_id AND a.kind = 'attempt' ORDER BY a.seq DESC LIMIT 1), h.deployment),
               h.amount_micros,
               (SELECT r.at FROM budget_entries r WHERE r.request_id = h.request_id AND r.kind = 'release' AND r.seq = 1)
        FROM budget_entries d
        JOIN budget_entries h ON h.request_id = d.request_id AND h.kind = 'hold' AND h.seq = 0
        WHERE d.kind = 'in_doubt'
          AND NOT EXISTS (SELECT 1 FROM budget_entries c WHERE c.request_id = d.request_id AND c.kind = 'commit')
          AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = d.request_id)
          AND NOT EXISTS (SELECT 1 FROM budget_entries r WHERE r.request_id = d.request_id AND r.kind = 'release' AND r.seq = 0)
        ORDER BY h.at, h.request_id;
        """;

    public static BudgetLine ReadLine(DbDataReader reader)
    {
        if (!BudgetNames.TryParseScope(reader.GetString(1), out var scope) || !BudgetNames.TryParsePeriod(reader.GetString(4), out var period))
        {
            throw new StorageException($"budget '{reader.GetString(0)}' has a scope or period this build does not know; nothing was changed.");
        }

        return new BudgetLine
        {
            Id = reader.GetString(0),
            Scope = scope,
            Subject = reader.GetString(2),
            Model = reader.IsDBNull(3) ? null : reader.GetString(3),
            Period = period,
            Limit = new MicroUnits(reader.GetInt64(5)),
            Currency = reader.GetString(6),
            Source = reader.GetString(7),
        };
    }

    public static InDoubtHold ReadInDoubt(DbDataReader reader) => new()
    {
        RequestId = reader.GetString(0),
        At = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        KeyId = reader.IsDBNull(2) ? "" : reader.GetString(2),
        Project = reader.IsDBNull(3) ? null : reader.GetString(3),
        RunId = reader.IsDBNull(4) ? null : reader.GetString(4),
        Model = reader.IsDBNull(5) ? "" : reader.GetString(5),
        Provider = reader.IsDBNull(6) ? "" : reader.GetString(6),
        Deployment = reader.IsDBNull(7) ? "" : reader.GetString(7),
        HeldUsd = new MicroUnits(reader.GetInt64(8)),
        ReleasedAt = reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
    };
}
