using System.Net;
using System.Net.Sockets;

namespace Ciyuan.Testing.Servers;

/// <summary>
/// Ports for servers a test starts as child processes (gateways, PostgreSQL, Redis, nginx).
/// </summary>
/// <remarks>
/// A port taken with <c>bind(0)</c> comes from the kernel's ephemeral range: once released it may
/// be handed to the next <c>bind(0)</c> of a parallel test, or become the source port of any
/// outgoing connection, before the child process binds it. A gateway started that way has been
/// seen answering another test's requests. These ports come from below the ephemeral range
/// (32768 on Linux), each at most once per test process, starting at a point that depends on the
/// process id so that test assemblies running side by side walk different stretches; each is
/// checked free with a bind before it is handed out.
/// </remarks>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;
    private static int _next = (int)((long)Environment.ProcessId * 997 % Count);

    /// <summary>A loopback port that is free now and handed to no one else in this process.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (Interlocked.Increment(ref _next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free loopback port below the ephemeral range");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
