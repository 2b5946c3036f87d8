using System.Net.Sockets;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Tells a database that is away (restarting, unreachable, shutting connections down, out of
/// connections) — worth waiting out — from a write that can never succeed (bad data, a constraint).
/// </summary>
internal static class PostgresFailures
{
    public static bool IsTransient(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case PostgresException postgres:
                    // 08: connection; 53: insufficient resources; 57P01-03: shut down or starting;
                    // 40001/40P01: a serialization failure or deadlock, which a retry resolves.
                    var state = postgres.SqlState;
                    return state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
                        || state is "57P01" or "57P02" or "57P03" or "40001" or "40P01" or "57014";
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case IOException:
                case TimeoutException:
                case ObjectDisposedException:
                    return true;
                case NpgsqlException:
                    // A broken connection surfaces as a plain NpgsqlException around an IOException; keep looking.
                    continue;
            }
        }

        return false;
    }
}
