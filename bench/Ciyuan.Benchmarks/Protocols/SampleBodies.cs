using System.Text;

namespace Ciyuan.Benchmarks.Protocols;

/// <summary>Realistic request and stream bodies, the same shapes the load harness sends.</summary>
internal static class SampleBodies
{
    public static readonly byte[] ChatRequest = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a concise assistant inside a metered LLM gateway benchmark."},{"role":"user","content":"Write a haiku about reverse proxies, server-sent events and token metering."}],"max_tokens":64,"temperature":0.7,"stream":true}""");

    public static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-stub00000001","object":"chat.completion","created":1795400085,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog while the gateway meters every token that flows through it and","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":20,"total_tokens":27,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_stub0001"}""");

    public static readonly byte[] ContentChunk = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-stub00000002","object":"chat.completion.chunk","created":1795400085,"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":"fp_stub0001","choices":[{"index":0,"delta":{"content":" quick"},"logprobs":null,"finish_reason":null}]}""");

    /// <summary>A 20-chunk stream with a usage chunk and [DONE], as the bench stub sends it (after <see cref="ContentChunk"/>: statics initialise in order).</summary>
    public static readonly byte[] Stream = BuildStream(20);

    private static byte[] BuildStream(int chunks)
    {
        var text = new StringBuilder();
        text.Append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (var i = 0; i < chunks; i++)
        {
            text.Append("data: ").Append(Encoding.UTF8.GetString(ContentChunk)).Append("\n\n");
        }

        text.Append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        text.Append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":20,\"total_tokens\":50}}\n\n");
        text.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
