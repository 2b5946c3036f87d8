using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ciyuan.Testing.Servers;

/// <summary>
/// A real Redis for tests, meant as an xUnit assembly fixture: one server for the whole test run.
/// Uses the server named by <c>CIYUAN_TEST_REDIS</c> (a StackExchange.Redis connection string such
/// as <c>127.0.0.1:6390</c>) when set; otherwise starts <c>redis-server</c> from PATH on a free
/// loopback port without persistence, and stops it on dispose. A missing binary fails loudly:
/// a skipped storage suite would pass CI while testing nothing.
/// </summary>
/// <remarks>
/// The server starts on first use of <see cref="ConnectionString"/>, synchronously: xUnit builds
/// fixtures through their constructor, so a failure there would fail every test in the assembly,
/// not just those that need Redis. This project stays free of xUnit and of the Redis client:
/// readiness is a raw RESP <c>PING</c> over TCP.
/// </remarks>
public sealed class RedisServer : IDisposable
{
    public const string EnvironmentVariable = "CIYUAN_TEST_REDIS";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _output = new();
    private readonly Lazy<string> _connectionString;
    private Process? _process;
    private int? _port;

    public RedisServer()
    {
        // A failed start is remembered, so every test that needs Redis fails fast with its reason.
        _connectionString = new Lazy<string>(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>A StackExchange.Redis connection string for the server (starting it if needed).</summary>
    public string ConnectionString => _connectionString.Value;

    /// <summary>The port of the server this fixture started (starting it if needed), or null for an external one.</summary>
    public int? Port
    {
        get
        {
            _ = ConnectionString;
            return _port;
        }
    }

    /// <summary>
    /// A key prefix no other test uses, so tests sharing this server never see each other's keys
    /// (and an external server's other data stays untouched).
    /// </summary>
    public static string NewKeyPrefix(string owner) => $"test:{owner}:{Guid.NewGuid():N}:";

    public void Dispose()
    {
        if (_process is not null)
        {
            Stop(_process);
        }
    }

    private string Start()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external.Trim();
        }

        var binary = FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server was not found on PATH. Install it (Debian/Ubuntu: apt-get install redis-server) " +
            $"or set {EnvironmentVariable} to a Redis connection string such as 127.0.0.1:6379.");

        // A port picked by the OS can be taken by someone else before Redis binds it; try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = LoopbackPorts.Next();
            var process = StartProcess(binary, port);
            try
            {
                WaitUntilReady(process, port);
                _process = process;
                _port = port;
                return $"127.0.0.1:{port}";
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
                Stop(process);
            }
        }

        throw new InvalidOperationException("redis-server did not start after 3 attempts.", last);
    }

    internal static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    internal static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    internal static bool AnswersPing(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            var stream = client.GetStream();
            stream.ReadTimeout = 1_000;
            stream.Write("*1\r\n$4\r\nPING\r\n"u8);
            Span<byte> reply = stackalloc byte[7];
            var read = 0;
            while (read < reply.Length)
            {
                var n = stream.Read(reply[read..]);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return reply[..read].SequenceEqual("+PONG\r\n"u8);
        }
        catch (IOException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private Process StartProcess(string binary, int port)
    {
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Only the start-up lines matter for a failure message; keep memory bounded.
            if (_output.Length < 16_384)
            {
                _output.AppendLine(line);
            }
        }
    }

    private void WaitUntilReady(Process process, int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} on port {port}:{Environment.NewLine}{Output()}");
            }

            if (AnswersPing(port))
            {
                return;
            }

            Thread.Sleep(25);
        }

        throw new InvalidOperationException($"redis-server did not answer PING on port {port} within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Output()}");
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
