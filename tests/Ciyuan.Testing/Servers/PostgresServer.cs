using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ciyuan.Testing.Servers;

/// <summary>
/// A real PostgreSQL for tests: the server named by <c>CIYUAN_TEST_POSTGRES</c> (an Npgsql connection
/// string; the README's test command starts one and sets it), or else a private one started once
/// per test process from Debian's binaries under <c>/usr/lib/postgresql</c> and stopped when the
/// process exits. Each caller gets a database of its own, so no test sees another's data. Missing
/// binaries fail loudly: a skipped backend would pass while testing nothing.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "CIYUAN_TEST_POSTGRES";

    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = Server.Value;
        var name = "ciyuan_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ConnectionString;
    }

    private static string Start()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external.Trim();
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                $"PostgreSQL was not found under /usr/lib/postgresql. Install it (Debian/Ubuntu: apt-get install postgresql) or set {EnvironmentVariable}.");
        }

        var root = Path.Combine(Path.GetTempPath(), "ciyuan-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // PostgreSQL refuses to run as root; Debian's package has a postgres user for it.
            Run("chown", "-R", "postgres:postgres", root);
        }

        var port = FreeLoopbackPort();
        RunAs(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8");
        RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(root, "log"), "-w", "-o",
            $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop");
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    private static void RunAs(bool asRoot, string program, params string[] arguments) =>
        Run(asRoot ? "runuser" : program, asRoot ? ["-u", "postgres", "--", program, .. arguments] : arguments);

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {errors}{output.Result}");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
