using System.Diagnostics;
using System.Globalization;

namespace Ciyuan.Testing.Servers;

/// <summary>
/// A Redis server of a test's own that the test may stop and start again on the same port — Redis
/// going away under a running gateway and coming back. Never the shared server of
/// <see cref="RedisServer"/>, which other tests use at the same time.
/// </summary>
public sealed class RedisInstance : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _binary;
    private Process? _process;

    private RedisInstance(string binary, int port)
    {
        _binary = binary;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for the server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static RedisInstance Start()
    {
        var binary = RedisServer.FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server was not found on PATH. Install it (Debian/Ubuntu: apt-get install redis-server).");
        var instance = new RedisInstance(binary, LoopbackPorts.Next());
        instance.StartAgain();
        return instance;
    }

    /// <summary>Kills the server (SIGKILL: connections are cut, nothing is saved).</summary>
    public void Stop()
    {
        if (_process is not null)
        {
            RedisServer.Stop(_process);
            _process = null;
        }
    }

    /// <summary>Starts the stopped server again on the same port, empty.</summary>
    public void StartAgain()
    {
        var start = new ProcessStartInfo(_binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server could not be started");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!RedisServer.AnswersPing(Port))
        {
            if (process.HasExited || deadline.Elapsed > StartTimeout)
            {
                RedisServer.Stop(process);
                throw new InvalidOperationException($"redis-server did not start on port {Port}");
            }

            Thread.Sleep(50);
        }

        _process = process;
    }

    public void Dispose() => Stop();
}
