using System.IO.Pipelines;

namespace Ciyuan.Gateway.Client;

/// <summary>
/// The client's side of one request as the pipeline sees it: the few request headers it reads,
/// the body, and where the answer goes. The host implements it over its HTTP server (the exe over
/// ASP.NET Core's <c>HttpContext</c>), so the pipeline itself needs no web framework.
/// </summary>
internal abstract class ClientExchange
{
    /// <summary>A request header's value, or null when absent.</summary>
    public abstract string? RequestHeader(string name);

    public abstract string? RequestContentType { get; }

    /// <summary>
    /// Reads the whole body into a pooled buffer, refusing more than <paramref name="limit"/>
    /// bytes (with or without a <c>Content-Length</c>): null when it was larger.
    /// </summary>
    public abstract ValueTask<RequestBody?> ReadBodyAsync(long limit);

    /// <summary>Fires when the client goes away.</summary>
    public abstract CancellationToken Aborted { get; }

    /// <summary>True once the status line and headers of the answer have been sent.</summary>
    public abstract bool HasStarted { get; }

    public abstract void SetStatus(int status);

    public abstract void SetHeader(string name, string value);

    public abstract void RemoveHeader(string name);

    public abstract void SetContentType(string contentType);

    public abstract void SetContentLength(long length);

    /// <summary>The answer's body. Writes are buffered until flushed.</summary>
    public abstract PipeWriter Body { get; }

    /// <summary>Writes a whole body and sends it; a client that left meanwhile is not an error.</summary>
    public async Task WriteBodyAsync(ReadOnlyMemory<byte> body)
    {
        try
        {
            await Body.WriteAsync(body, Aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left after the answer was settled; what it consumed is billed.
        }
    }

    /// <summary>Sends what was written; a client that left meanwhile is not an error.</summary>
    public async Task FlushQuietlyAsync()
    {
        try
        {
            await Body.FlushAsync(Aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left at the very end; the ledger line is already written.
        }
    }
}
