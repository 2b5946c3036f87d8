using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Ciyuan.Http;

/// <summary>
/// A request body read whole into a pooled buffer (chat requests are parsed and patched, so they
/// must be in memory). Return the buffer with <see cref="Dispose"/>.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>Reads the body; null with an error when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<(RequestBody? Body, OpenAIError? Error)> ReadAsync(HttpContext context, long limit, string setting = "server.max_body_bytes")
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit, setting));
        }

        // Kestrel enforces the same limit while reading bodies without Content-Length.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } known ? (int)Math.Max(known, 1) : 4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        Release(buffer);
                        return (null, TooLarge(limit, setting));
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    Release(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    Release(buffer);
                    return (null, TooLarge(limit, setting));
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            Release(buffer);
            return (null, TooLarge(limit, setting));
        }

        return (new RequestBody(buffer, length), null);
    }

    private static OpenAIError TooLarge(long limit, string setting) => new(
        StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than this server accepts here ({limit:N0} bytes). Send less data, or raise {setting} in ciyuan.yaml.",
        "invalid_request_error",
        "request_too_large");

    public void Dispose() => Release(Interlocked.Exchange(ref _buffer, []));

    /// <summary>Large arrays go to the collector, not the shared pool, which would keep a rare giant body's memory for good.</summary>
    private static void Release(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= Pipeline.PooledBufferWriter.LargestPooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
