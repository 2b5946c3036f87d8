using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// A statement prepared once on a connection and bound by position (<c>?1</c>, <c>?2</c>, …) through
/// SQLitePCL, for the ledger's per-row inserts. Microsoft.Data.Sqlite binds a command's parameters by
/// name on every execution — the name encoded to UTF-8 and searched for among the statement's, and an
/// object made per parameter — which for the usage record's 30 columns was about 2 % of a gateway
/// request's CPU under load (a steady-state profile; <c>docs/performance.md</c>). Text is encoded to
/// UTF-8 into a buffer the statement keeps (SQLite copies it), so binding allocates nothing.
/// It runs inside whatever transaction its connection has open. Not thread-safe, like the connection.
/// </summary>
internal sealed class PositionalStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[256];

    public PositionalStatement(SqliteConnection connection, string sql)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v3(_database, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _database);
    }

    /// <summary>How many parameters the statement has (the highest position).</summary>
    public int ParameterCount => raw.sqlite3_bind_parameter_count(_statement);

    /// <summary>
    /// Binds text, or NULL for null. An empty string stays an empty string, not NULL; a lone surrogate
    /// becomes U+FFFD as in any UTF-8 encoding here. (Binding UTF-16 and leaving the conversion to SQLite
    /// would not do: SQLite pairs a lone high surrogate with whatever character follows it.)
    /// </summary>
    public void Text(int position, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, position));
            return;
        }

        if (value.Length == 0)
        {
            // An empty span would reach SQLite as a null pointer, which it stores as NULL; the
            // zero-terminated overload binds an empty string (rare, so its small conversion does not matter).
            Check(raw.sqlite3_bind_text(_statement, position, string.Empty));
            return;
        }

        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (most > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, position, _utf8.AsSpan(0, length)));
    }

    public void Integer(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    public void Integer(int position, bool value) => Integer(position, value ? 1 : 0);

    public void Real(int position, double value) => Check(raw.sqlite3_bind_double(_statement, position, value));

    /// <summary>Binds a number, or NULL for null.</summary>
    public void Real(int position, double? value) =>
        Check(value is { } number ? raw.sqlite3_bind_double(_statement, position, number) : raw.sqlite3_bind_null(_statement, position));

    /// <summary>Runs the statement to its end; returns how many rows it changed. The bindings stay for the next run.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _database);
            }

            return raw.sqlite3_changes(_database);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _database);
}
