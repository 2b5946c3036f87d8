using BenchmarkDotNet.Attributes;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Benchmarks.Protocols;

/// <summary>
/// The per-stream work of the relay without sockets: parse every SSE frame of a 20-chunk stream
/// and scan each chunk for usage, as <c>StreamRelay</c> does.
/// </summary>
[MemoryDiagnoser]
public class SseRelayBenchmarks
{
    [Benchmark]
    public async Task<int> ParseStream()
    {
        await using var reader = new SseReader(new MemoryStream(SampleBodies.Stream, writable: false));
        var frames = 0;
        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            frames++;
        }

        return frames;
    }

    [Benchmark]
    public async Task<long> ParseAndScanStream()
    {
        await using var reader = new SseReader(new MemoryStream(SampleBodies.Stream, writable: false));
        long tokens = 0;
        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var data = reader.Data.Span;
            if (data.SequenceEqual(SseBytes.Done))
            {
                break;
            }

            var facts = OpenAIResponseScanner.Scan(data);
            tokens += facts.HasUsage ? facts.Usage.TotalTokens : facts.GeneratedBytes;
        }

        return tokens;
    }

    [Benchmark]
    public OpenAIChunkFacts ScanChunk() => OpenAIResponseScanner.Scan(SampleBodies.ContentChunk);

    [Benchmark]
    public OpenAIChunkFacts ScanCompletion() => OpenAIResponseScanner.Scan(SampleBodies.Completion);
}
