using System.Data.Common;
using Ciyuan.Core.Admin;
using Ciyuan.Core.Keys;

namespace Ciyuan.Storage.Rows;

/// <summary>Reads <c>admin_tokens</c> and <c>admin_sessions</c> rows, in the column order both backends select.</summary>
internal static class AdminRows
{
    public const string TokenColumns = "id, name, role, hash, prefix, created_at, revoked_at";

    public const string SessionColumns = "id_hash, token_id, subject, role, csrf, created_at, expires_at";

    public static AdminToken ReadToken(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Role = Role(reader.GetString(2)),
        Hash = KeyHash.FromBytes((byte[])reader.GetValue(3)),
        Prefix = reader.GetString(4),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        RevokedAt = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
    };

    public static AdminSession ReadSession(DbDataReader reader) => new()
    {
        IdHash = KeyHash.FromBytes((byte[])reader.GetValue(0)),
        TokenId = reader.IsDBNull(1) ? null : reader.GetString(1),
        Subject = reader.GetString(2),
        Role = Role(reader.GetString(3)),
        CsrfToken = reader.GetString(4),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
    };

    /// <summary>An unknown role in the database reads as the weaker one: a row from a newer build never grants more.</summary>
    private static AdminRole Role(string text) => AdminRoles.TryParse(text, out var role) ? role : AdminRole.Viewer;
}
