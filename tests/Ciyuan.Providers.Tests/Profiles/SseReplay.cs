using System.Text;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Providers.Tests.Profiles;

/// <summary>
/// Replays a recorded upstream SSE body through a <see cref="StreamNormalizer"/> the way the relay
/// does: each <c>data:</c> payload is normalized (or forwarded as is when the normalizer returns
/// null); comments and <c>[DONE]</c> pass through untouched.
/// </summary>
internal static class SseReplay
{
    public static byte[] Normalize(StreamNormalizer normalizer, byte[] upstream)
    {
        var text = Encoding.UTF8.GetString(upstream);
        var output = new MemoryStream();
        foreach (var frame in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (frame.StartsWith("data: ", StringComparison.Ordinal) && frame != "data: [DONE]")
            {
                var payload = Encoding.UTF8.GetBytes(frame["data: ".Length..]);
                output.Write("data: "u8);
                output.Write(normalizer.Normalize(payload) ?? payload);
            }
            else
            {
                output.Write(Encoding.UTF8.GetBytes(frame));
            }

            output.Write("\n\n"u8);
        }

        return output.ToArray();
    }

    /// <summary>The payloads of the <c>data:</c> frames, <c>[DONE]</c> excluded.</summary>
    public static IEnumerable<string> Payloads(byte[] sse) =>
        Encoding.UTF8.GetString(sse).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(frame => frame.StartsWith("data: ", StringComparison.Ordinal) && frame != "data: [DONE]")
            .Select(frame => frame["data: ".Length..]);
}
