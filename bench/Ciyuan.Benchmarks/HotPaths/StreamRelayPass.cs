using System.Buffers;
using Ciyuan.Benchmarks.Protocols;
using Ciyuan.Core.Budgets;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Relay;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Benchmarks.HotPaths;

/// <summary>
/// One 20-chunk OpenAI stream relayed to an OpenAI client, as the relay's pump does it without sockets: the
/// SSE reader over the upstream body, the pass-through codec's read of every frame (vendor normalisation and
/// the usage/finish scan), the output guard, and each frame written for the client. The upstream body and
/// the client's buffer are the test's and reused; everything per stream is the gateway's.
/// </summary>
internal sealed class StreamRelayPass : IHotPath
{
    private readonly MemoryStream _upstream = new(SampleBodies.Stream, writable: false);
    private readonly ArrayBufferWriter<byte> _client = new(SampleBodies.Stream.Length * 2);
    private readonly ProviderProfile _profile = ProviderProfiles.For("openai", "gpt-4o-mini");
    private readonly TokenCeiling _ceiling = new(PromptTokens: 100, OutputTokens: 64);

    public long Run()
    {
        _upstream.Position = 0;
        _client.ResetWrittenCount();
        var codec = new OpenAIPassthroughCodec(OpenAIDoor.Chat, _profile, capture: null, clientAskedForUsage: false);
        var guard = new OutputGuard(_ceiling, logprobs: false);
        var sse = new SseReader(_upstream);
        try
        {
            var more = Completed(sse.ReadAsync(CancellationToken.None));
            while (more)
            {
                var frame = codec.Read(sse);
                if (frame.End == FrameEnd.Completed || guard.Add(sse.Data.Length, frame.TextBytes))
                {
                    break;
                }

                codec.Forward(_client);
                more = sse.TryReadBuffered() || Completed(sse.ReadAsync(CancellationToken.None));
            }
        }
        finally
        {
            Completed(sse.DisposeAsync());
        }

        codec.Finished();
        return _client.WrittenCount + guard.TextBytes;
    }

    // A memory stream completes every read at once; a measurement must not hop threads.
    private static bool Completed(ValueTask<bool> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("An SSE read did not complete synchronously.");

    private static void Completed(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("Disposing the SSE reader did not complete synchronously.");
        }
    }
}
