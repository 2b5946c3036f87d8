using BenchmarkDotNet.Attributes;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Benchmarks.Protocols;

/// <summary>Request decode on the hot path: validate + scan the body, then patch it for the upstream.</summary>
[MemoryDiagnoser]
public class OpenAIRequestBenchmarks
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _output = new(1024);

    [Benchmark]
    public RequestFacts? Scan() => RequestScanner.Scan(SampleBodies.ChatRequest, out _);

    [Benchmark]
    public int ScanAndPatch()
    {
        var facts = RequestScanner.Scan(SampleBodies.ChatRequest, out _)!;
        _output.ResetWrittenCount();
        RequestPatcher.Patch(SampleBodies.ChatRequest, facts, "upstream-model", forceIncludeUsage: true, _output);
        return _output.WrittenCount;
    }
}
