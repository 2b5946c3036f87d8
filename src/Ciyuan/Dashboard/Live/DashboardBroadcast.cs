using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;

namespace Ciyuan.Dashboard.Live;

/// <summary>
/// The open event streams of signed-in browsers. Each gets its own small queue; a browser that
/// stops reading loses its oldest events, never slows another or the gateway.
/// </summary>
internal sealed class DashboardBroadcast
{
    private readonly ConcurrentDictionary<Guid, Channel<byte[]>> _subscribers = new();

    public int Count => _subscribers.Count;

    public (Guid Id, ChannelReader<byte[]> Events) Subscribe()
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var id = Guid.NewGuid();
        _subscribers[id] = channel;
        return (id, channel.Reader);
    }

    public void Unsubscribe(Guid id) => _subscribers.TryRemove(id, out _);

    /// <summary>Queues one server-sent event (<c>event:</c> name, <c>data:</c> one line of JSON) for every subscriber.</summary>
    public void Publish(string name, byte[] json)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }

        var frame = Frame(name, json);
        foreach (var channel in _subscribers.Values)
        {
            channel.Writer.TryWrite(frame);
        }
    }

    public static byte[] Frame(string name, byte[] json)
    {
        var head = Encoding.UTF8.GetBytes($"event: {name}\ndata: ");
        var frame = new byte[head.Length + json.Length + 2];
        head.CopyTo(frame, 0);
        json.CopyTo(frame, head.Length);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        return frame;
    }
}
