using Ciyuan.Benchmarks.Protocols;
using Ciyuan.Gateway.Client;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Benchmarks.HotPaths;

/// <summary>
/// A streamed OpenAI chat request on its way up: intake's one scan of the body (validation and every fact the
/// pipeline needs), then the send stage's patch of it for the upstream (model renamed, usage asked for) into a
/// pooled buffer.
/// </summary>
internal sealed class RequestScanAndPatch : IHotPath
{
    private readonly byte[] _body = SampleBodies.ChatRequest;

    public long Run()
    {
        var facts = RequestScanner.Scan(_body, out _)!;
        using var patched = new PooledBufferWriter(_body.Length + 64);
        RequestPatcher.Patch(_body, facts, "upstream-model", forceIncludeUsage: true, patched);
        return patched.WrittenCount;
    }
}
