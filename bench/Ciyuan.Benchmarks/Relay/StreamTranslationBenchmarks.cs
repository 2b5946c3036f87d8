using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ciyuan.Benchmarks.Protocols;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Relay;
using Ciyuan.Protocols.Responses;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Benchmarks.Relay;

/// <summary>
/// One 20-chunk OpenAI-dialect stream through the relay's codec, without sockets: passed through
/// to a chat client, and translated for a Responses client (decoded to canonical events, encoded
/// as Responses events). The difference is what a streamed Responses request costs over a chat one.
/// </summary>
[MemoryDiagnoser]
public class StreamTranslationBenchmarks
{
    private static readonly byte[] ResponsesRequest = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","instructions":"You are a concise assistant inside a metered LLM gateway benchmark.","input":"Write a haiku about reverse proxies, server-sent events and token metering.","max_output_tokens":64,"temperature":0.7,"store":false,"stream":true}""");

    private readonly ArrayBufferWriter<byte> _client = new(16 * 1024);
    private readonly ProviderProfile _profile = ProviderProfiles.For("openai", "gpt-4o-mini");

    [Benchmark(Baseline = true)]
    public Task<int> ChatPassthrough() =>
        RelayAsync(new OpenAIPassthroughCodec(OpenAIDoor.Chat, _profile, capture: null, clientAskedForUsage: true));

    [Benchmark]
    public Task<int> ResponsesTranslated()
    {
        var request = ResponsesRequestCodec.Decode(ResponsesRequest);
        var answer = new TranslatedAnswer("req_0123456789abcdef", "gpt-4o-mini", DateTimeOffset.UnixEpoch, request);
        var door = ResponsesDoor.Responses;
        return RelayAsync(new TranslatingCodec(door, UpstreamDecoder.OpenAI(_profile), door.CreateStreamEncoder(answer), answer));
    }

    [Benchmark]
    public Task<int> ResponsesDecodeOnly()
    {
        var request = ResponsesRequestCodec.Decode(ResponsesRequest);
        var answer = new TranslatedAnswer("req_0123456789abcdef", "gpt-4o-mini", DateTimeOffset.UnixEpoch, request);
        var door = ResponsesDoor.Responses;
        return RelayAsync(new TranslatingCodec(door, UpstreamDecoder.OpenAI(_profile), door.CreateStreamEncoder(answer), answer), forward: false);
    }

    private async Task<int> RelayAsync(AnswerCodec codec, bool forward = true)
    {
        _client.ResetWrittenCount();
        await using var reader = new SseReader(new MemoryStream(SampleBodies.Stream, writable: false));
        TokenUsage? usage = null;
        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var reading = codec.Read(reader);
            usage ??= reading.Usage;
            if (reading.End == FrameEnd.Completed)
            {
                break;
            }

            if (forward)
            {
                codec.Forward(_client);
            }
        }

        codec.WriteCompletion(_client, usage ?? new TokenUsage(30, 0, 0, 20, 0));
        return _client.WrittenCount;
    }
}
