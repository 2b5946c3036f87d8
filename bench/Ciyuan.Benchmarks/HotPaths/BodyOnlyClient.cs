using System.IO.Pipelines;
using Ciyuan.Gateway.Client;

namespace Ciyuan.Benchmarks.HotPaths;

/// <summary>A client with a request body and nowhere to answer: settlement reads the request, never the client.</summary>
internal sealed class BodyOnlyClient(byte[] body) : ClientExchange
{
    private readonly Pipe _answer = new();

    public override string? RequestContentType => "application/json";

    public override CancellationToken Aborted => CancellationToken.None;

    public override bool HasStarted => false;

    public override PipeWriter Body => _answer.Writer;

    public override string? RequestHeader(string name) => null;

    public override ValueTask<RequestBody?> ReadBodyAsync(long limit) => ValueTask.FromResult<RequestBody?>(RequestBody.Of(body));

    public override void SetStatus(int status)
    {
    }

    public override void SetHeader(string name, string value)
    {
    }

    public override void RemoveHeader(string name)
    {
    }

    public override void SetContentType(string contentType)
    {
    }

    public override void SetContentLength(long length)
    {
    }
}
