using System.Data.Common;
using Ciyuan.Core.Keys;

namespace Ciyuan.Storage.Rows;

/// <summary>Reads a <c>client_keys</c> row, in the column order both backends select.</summary>
internal static class ClientKeyRows
{
    public const string Columns = "id, name, hash, prefix, created_at, revoked_at, budget_micro_usd, rpm, policy, project, tpm, max_concurrency";

    public static ClientKey Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Hash = KeyHash.FromBytes((byte[])reader.GetValue(2)),
        Prefix = reader.GetString(3),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        RevokedAt = reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        BudgetMicroUsd = reader.IsDBNull(6) ? null : reader.GetInt64(6),
        RequestsPerMinute = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        Policy = reader.IsDBNull(8) ? null : reader.GetString(8),
        Project = reader.IsDBNull(9) ? null : reader.GetString(9),
        TokensPerMinute = reader.IsDBNull(10) ? null : reader.GetInt64(10),
        MaxConcurrency = reader.IsDBNull(11) ? null : reader.GetInt32(11),
    };
}
