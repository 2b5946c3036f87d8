using System.Net;
using System.Net.Sockets;

namespace Ciyuan.StreamBench;

/// <summary>
/// An HTTP/1.1 client with no cap on connections, whose connections leave from several loopback
/// addresses in turn (127.0.0.1, 127.0.0.2, ...) so that ten thousands of them never run out of
/// ephemeral ports on one address.
/// </summary>
internal static class LoopbackClient
{
    public static HttpClient Create(string sources, TimeSpan timeout)
    {
        var addresses = sources.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(IPAddress.Parse).ToArray();
        var next = 0;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (addresses.Length > 0)
                    {
                        socket.Bind(new IPEndPoint(addresses[(int)((uint)Interlocked.Increment(ref next) % addresses.Length)], 0));
                    }

                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = timeout };
    }
}
