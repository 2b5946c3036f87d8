using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ciyuan.Gateway.Doors;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Benchmarks.Relay;

/// <summary>
/// The request side of the same prompt through two doors, without sockets: a chat request scanned
/// and patched for an OpenAI-dialect upstream, and a Responses request (<c>store: false</c>, as
/// Codex CLI sends it, the body of <c>bench/load/wrk/door.lua</c>) scanned, read for its stored
/// state, decoded to the canonical request and encoded as a chat request. The difference is what a
/// Responses request costs over a chat one before the upstream answers.
/// </summary>
[MemoryDiagnoser]
public class RequestTranslationBenchmarks
{
    private static readonly byte[] ChatRequest = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a concise assistant inside a metered LLM gateway benchmark."},{"role":"user","content":"Write a haiku about reverse proxies, server-sent events and token metering."}],"max_tokens":64,"temperature":0.7,"stream":true,"stream_options":{"include_usage":true}}""");

    private static readonly byte[] ResponsesRequest = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","instructions":"You are a concise assistant inside a metered LLM gateway benchmark.","input":"Write a haiku about reverse proxies, server-sent events and token metering.","max_output_tokens":64,"temperature":0.7,"store":false,"stream":true}""");

    private static readonly OpenAIEncodeOptions Options = new() { UpstreamModel = "gpt-4o-mini" };

    private readonly ArrayBufferWriter<byte> _output = new(1024);

    [Benchmark(Baseline = true)]
    public int ChatScanAndPatch()
    {
        var facts = RequestScanner.Scan(ChatRequest, out _)!;
        _output.ResetWrittenCount();
        RequestPatcher.Patch(ChatRequest, facts, "gpt-4o-mini", forceIncludeUsage: true, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int ResponsesToChat()
    {
        _ = RequestScanner.Scan(ResponsesRequest, out _)!;
        var door = ResponsesDoor.Responses;
        var conversation = door.ReadConversation(ResponsesRequest);
        var canonical = door.Decode(ResponsesRequest);
        return OpenAIRequestCodec.Encode(canonical, Options, []).Length + conversation.InputItems.Count;
    }

    [Benchmark]
    public int ResponsesReadConversation() => ResponsesDoor.Responses.ReadConversation(ResponsesRequest).InputItems.Count;

    [Benchmark]
    public int ResponsesDecode() => ResponsesDoor.Responses.Decode(ResponsesRequest).Messages.Count;
}
