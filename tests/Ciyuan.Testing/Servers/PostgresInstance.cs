using System.Collections.Frozen;

namespace Ciyuan.Testing.Servers;

/// <summary>
/// A PostgreSQL server of a test's own, from Debian's binaries, that the test may stop and start
/// again on the same port and data — the database restarting under a running gateway. Never the
/// shared server of <see cref="PostgresServer"/>, which every other test uses at the same time.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = FrozenDictionary<string, string>.Empty;

    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly bool _asRoot;

    private PostgresInstance(string bin, string root, int port, bool asRoot)
    {
        _bin = bin;
        _root = root;
        _data = Path.Combine(root, "data");
        _asRoot = asRoot;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server's maintenance database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3";

    public bool Running { get; private set; }

    public static async Task<PostgresInstance> StartAsync()
    {
        var bin = PostgresServer.BinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL was not found under /usr/lib/postgresql. Install it (Debian/Ubuntu: apt-get install postgresql).");
        var root = Path.Combine(Path.GetTempPath(), "ciyuan-pgi-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await PostgresServer.RunAsync("chown", NoEnvironment, "-R", "postgres:postgres", root);
        }

        var instance = new PostgresInstance(bin, root, LoopbackPorts.Next(), asRoot);
        PostgresServer.RunAs(asRoot, Path.Combine(bin, "initdb"), "-D", instance._data, "-U", "postgres", "--auth=trust", "-E", "UTF8");
        await instance.StartAgainAsync();
        return instance;
    }

    /// <summary>Creates an empty database on this server and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "ciyuan_" + Guid.NewGuid().ToString("N")[..16];
        await PostgresServer.RunAsync(PostgresServer.Psql(), NoEnvironment, "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-d", $"host=127.0.0.1 port={Port} user=postgres dbname=postgres", "-c", $"CREATE DATABASE {name};");
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Timeout=3";
    }

    /// <summary>Stops the server at once (connections are cut, as in a crash or a fast restart).</summary>
    public Task StopAsync()
    {
        PostgresServer.RunAs(_asRoot, Path.Combine(_bin, "pg_ctl"), "-D", _data, "-m", "immediate", "-w", "stop");
        Running = false;
        return Task.CompletedTask;
    }

    /// <summary>Starts the stopped server again on the same port and data.</summary>
    public Task StartAgainAsync()
    {
        PostgresServer.RunAs(_asRoot, Path.Combine(_bin, "pg_ctl"), "-D", _data, "-l", Path.Combine(_root, "log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
        Running = true;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Running)
            {
                await StopAsync();
            }

            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Under the temp directory, for the OS to clean.
        }
    }
}
