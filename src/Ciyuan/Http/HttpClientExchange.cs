using System.IO.Pipelines;
using Ciyuan.Gateway.Client;
using Microsoft.AspNetCore.Http.Features;

namespace Ciyuan.Http;

/// <summary>The pipeline's view of one ASP.NET Core request and its response.</summary>
internal sealed class HttpClientExchange(HttpContext context) : ClientExchange
{
    public override string? RequestHeader(string name) =>
        context.Request.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value[0] : null;

    public override string? RequestContentType => context.Request.ContentType;

    public override async ValueTask<RequestBody?> ReadBodyAsync(long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            // Refused unread; the server reads the rest away so the client sees the answer, not a reset.
            return null;
        }

        // Kestrel enforces the same limit while reading bodies without Content-Length.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        try
        {
            return await RequestBody.ReadAsync(context.Request.Body, context.Request.ContentLength, limit, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    public override CancellationToken Aborted => context.RequestAborted;

    public override bool HasStarted => context.Response.HasStarted;

    public override void SetStatus(int status) => context.Response.StatusCode = status;

    public override void SetHeader(string name, string value) => context.Response.Headers[name] = value;

    public override void RemoveHeader(string name) => context.Response.Headers.Remove(name);

    public override void SetContentType(string contentType) => context.Response.ContentType = contentType;

    public override void SetContentLength(long length) => context.Response.ContentLength = length;

    public override PipeWriter Body => context.Response.BodyWriter;
}
