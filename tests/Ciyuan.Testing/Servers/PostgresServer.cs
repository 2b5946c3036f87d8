using System.Data.Common;
using System.Diagnostics;

namespace Ciyuan.Testing.Servers;

/// <summary>
/// A real PostgreSQL for tests: the server named by <c>CIYUAN_TEST_POSTGRES</c> (an Npgsql connection
/// string; the README's test command starts one and sets it), or else a private one started once
/// per test process from Debian's binaries under <c>/usr/lib/postgresql</c> and stopped when the
/// process exits. Each caller gets a database of its own, so no test sees another's data. Missing
/// binaries fail loudly: a skipped backend would pass while testing nothing. Databases are made
/// with <c>psql</c>, so this library needs no database driver.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "CIYUAN_TEST_POSTGRES";

    private const string Root = "/usr/lib/postgresql";

    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The server's connection string (its maintenance database), starting the server on first use.</summary>
    public static string ConnectionString => Server.Value;

    /// <summary>Creates an empty database and returns an Npgsql connection string for it.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = new DbConnectionStringBuilder { ConnectionString = Server.Value };
        var name = "ciyuan_" + Guid.NewGuid().ToString("N")[..16];
        var password = Value(server, "Password", "PSW", "PWD");
        var conninfo = $"host={Value(server, "Host", "Server") ?? "127.0.0.1"} port={Value(server, "Port") ?? "5432"} " +
            $"user={Value(server, "Username", "User Name", "User Id", "UserId", "User") ?? "postgres"} dbname={Value(server, "Database", "DB") ?? "postgres"}";
        var environment = new Dictionary<string, string>();
        if (password is not null)
        {
            environment["PGPASSWORD"] = password;
        }

        await RunAsync(Psql(), environment, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", $"CREATE DATABASE {name};");

        foreach (var alias in new[] { "Database", "DB" })
        {
            server.Remove(alias);
        }

        server["Database"] = name;
        return server.ConnectionString;
    }

    private static string Start()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external.Trim();
        }

        var bin = BinDirectory() ?? throw new InvalidOperationException(
            $"PostgreSQL was not found under {Root}. Install it (Debian/Ubuntu: apt-get install postgresql) or set {EnvironmentVariable} to an Npgsql connection string.");
        var root = Path.Combine(Path.GetTempPath(), "ciyuan-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);

        // initdb and postgres refuse to run as root (Environment.UserName is geteuid()'s name on
        // Unix); Debian's package has a postgres user for them, which must own the directories.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            RunAsync("chown", NoEnvironment, "-R", "postgres:postgres", root).GetAwaiter().GetResult();
        }

        var port = LoopbackPorts.Next();
        RunAs(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8");
        RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(root, "log"), "-w", "-o",
            $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop");
                Directory.Delete(root, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // The process is ending anyway; the directory is under the temp dir for the OS to clean.
            }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    internal static string? BinDirectory() => Directory.Exists(Root)
        ? Directory.GetDirectories(Root)
            .Where(d => int.TryParse(Path.GetFileName(d), out _) && File.Exists(Path.Combine(d, "bin", "postgres")))
            .OrderBy(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture))
            .Select(d => Path.Combine(d, "bin"))
            .LastOrDefault()
        : null;

    /// <summary>The server's own psql when installed, else the one on PATH (an external server needs only the client).</summary>
    internal static string Psql() => BinDirectory() is { } bin && File.Exists(Path.Combine(bin, "psql")) ? Path.Combine(bin, "psql") : "psql";

    private static string? Value(DbConnectionStringBuilder builder, params string[] keys) =>
        keys.Select(k => builder.TryGetValue(k, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null)
            .FirstOrDefault(v => !string.IsNullOrEmpty(v));

    internal static void RunAs(bool asRoot, string program, params string[] arguments) =>
        RunAsync(asRoot ? "runuser" : program, NoEnvironment, asRoot ? ["-u", "postgres", "--", program, .. arguments] : arguments).GetAwaiter().GetResult();

    internal static async Task RunAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"could not start {program} (is the PostgreSQL client installed?): {ex.Message}", ex);
        }

        using (process)
        {
            if (process is null)
            {
                throw new InvalidOperationException($"could not start {program}");
            }

            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                // Arguments are left out: a connection's may carry a password.
                throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await errors}{await output}");
            }
        }
    }
}
