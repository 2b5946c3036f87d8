using Ciyuan.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Tests.Sqlite;

public sealed class PositionalStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public PositionalStatementTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL, note TEXT);";
        create.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Execute_BindsEachKindByPosition_AndReportsChangedRows()
    {
        using var insert = new PositionalStatement(_connection, "INSERT INTO t (id, n, x, note) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING;");
        Assert.Equal(4, insert.ParameterCount);

        insert.Text(1, "a");
        insert.Integer(2, long.MaxValue);
        insert.Real(3, 0.25);
        insert.Text(4, "第一");
        Assert.Equal(1, insert.Execute());

        // Bindings not set again stay; a second run of the same id changes nothing.
        Assert.Equal(0, insert.Execute());

        insert.Text(1, "b");
        insert.Integer(2, true);
        insert.Real(3, (double?)null);
        insert.Text(4, null);
        Assert.Equal(1, insert.Execute());

        Assert.Equal(["a|9223372036854775807|0.25|第一", "b|1|null|null"], Rows());
    }

    [Fact]
    public void Execute_Failure_ThrowsSqliteErrorAndTheStatementRunsAgain()
    {
        using var insert = new PositionalStatement(_connection, "INSERT INTO t (id, n) VALUES (?1, ?2);");
        insert.Text(1, "a");
        insert.Integer(2, 1);
        insert.Execute();

        var error = Assert.Throws<SqliteException>(() => insert.Execute());
        Assert.Equal(19, error.SqliteErrorCode);   // SQLITE_CONSTRAINT
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);

        insert.Text(1, "b");
        Assert.Equal(1, insert.Execute());
        Assert.Equal(["a|1|null|null", "b|1|null|null"], Rows());
    }

    [Fact]
    public void Text_Empty_IsStoredAsEmptyNotNull()
    {
        using var insert = new PositionalStatement(_connection, "INSERT INTO t (id, note) VALUES (?1, ?2);");
        insert.Text(1, "e");
        insert.Text(2, "");
        insert.Execute();

        Assert.Equal([[0L, 0L]], Query("SELECT note IS NULL, length(note) FROM t WHERE id = 'e';"));
    }

    [Fact]
    public void Text_LoneSurrogateOrNul_StoredAsValidTextAndReadBack()
    {
        // Text a hostile client can put in a JSON string ("\ud800", "\u0000"): kept whole around a NUL,
        // and a lone surrogate stored as the replacement character, never as invalid UTF-8.
        using var insert = new PositionalStatement(_connection, "INSERT INTO t (id, note) VALUES (?1, ?2);");
        insert.Text(1, "s");
        insert.Text(2, "a\ud800b");
        insert.Execute();
        insert.Text(1, "z");
        insert.Text(2, "a\0b");
        insert.Execute();

        Assert.Equal([["a\ufffdb", 5L], ["a\0b", 3L]], Query("SELECT note, length(CAST(note AS BLOB)) FROM t ORDER BY id;"));
    }

    [Fact]
    public void Constructor_InvalidSql_ThrowsSqliteError()
    {
        var error = Assert.Throws<SqliteException>(() => new PositionalStatement(_connection, "INSERT INTO missing VALUES (?1);"));
        Assert.Contains("no such table", error.Message, StringComparison.Ordinal);
    }

    private List<string> Rows() =>
        Query("SELECT id, n, x, note FROM t ORDER BY id;")
            .Select(row => string.Join('|', row.Select(v => v is null ? "null" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();

    private List<object?[]> Query(string sql)
    {
        using var query = _connection.CreateCommand();
        query.CommandText = sql;
        using var reader = query.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        }

        return rows;
    }
}
