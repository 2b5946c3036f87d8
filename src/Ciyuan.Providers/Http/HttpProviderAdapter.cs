using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Secrets;

namespace Ciyuan.Providers.Http;

/// <summary>
/// Sends requests to any upstream over HTTP: the OpenAI-dialect routes of hosted vendors and of
/// self-hosted vLLM, SGLang, llama.cpp and Ollama, and the Anthropic-dialect routes (Anthropic and
/// the vendors' <c>/anthropic</c> endpoints). Vendor differences belong in profiles, not here.
/// Every body read from an upstream passes through <see cref="RedactingStream"/>: nothing it echoes
/// of the gateway's secrets reaches a relay, a parser or an error message.
/// </summary>
public sealed class HttpProviderAdapter(ProviderHttpClients clients, SecretRedactor redactor) : IProviderAdapter
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    public async ValueTask<UpstreamResult> SendAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        var provider = request.Deployment.Provider;
        var timeouts = provider.Timeouts;
        var startedAt = Stopwatch.GetTimestamp();
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeouts.FirstByte < timeouts.Total ? timeouts.FirstByte : timeouts.Total);

        var uri = clients.RouteUri(provider, request.Dialect, request.Route);

        // Errors name the host actually dialled, which may be a Messages base rather than base_url.
        var host = uri.GetLeftPart(UriPartial.Authority);
        ProviderFailure Failure(ProviderFailureKind kind, int? status, string message) => new(kind, status, message) { Host = host };

        using var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ReadOnlyMemoryContent(request.Body),
            Version = System.Net.HttpVersion.Version11,
        };
        message.Content.Headers.ContentType = JsonContentType;
        message.Headers.Accept.Add(request.Stream ? AcceptEventStream : AcceptJson);
        foreach (var (name, value) in request.ForwardedHeaders)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Dialect == Dialect.Anthropic)
        {
            // Anthropic's own API and the vendors' /anthropic routes all take x-api-key.
            if ((request.ApiKey ?? provider.ApiKey) is { Length: > 0 } anthropicKey)
            {
                message.Headers.TryAddWithoutValidation("x-api-key", anthropicKey);
            }

            if (!message.Headers.Contains("anthropic-version"))
            {
                message.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
            }
        }
        else if ((request.ApiKey ?? provider.ApiKey) is { Length: > 0 } key)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        foreach (var (name, value) in provider.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.TraceParent is { } traceParent)
        {
            message.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        HttpResponseMessage response;
        try
        {
            response = await clients.For(provider).SendAsync(message, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            deadline.Dispose();
            return UpstreamResult.Failed(Failure(ProviderFailureKind.Timeout, null,
                $"provider '{provider.Name}' at {host} sent no response within {timeouts.FirstByte.TotalSeconds:0.###} s"));
        }
        catch (HttpRequestException ex)
        {
            deadline.Dispose();
            return UpstreamResult.Failed(Failure(ProviderFailureKind.Unreachable, null,
                $"provider '{provider.Name}' is unreachable at {host}: {Describe(ex)}"));
        }
        catch
        {
            deadline.Dispose();
            throw;
        }

        if (response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            return UpstreamResult.Success(new UpstreamExchange(response, Redacted(body, request), deadline, timeouts.Total, startedAt));
        }

        try
        {
            var errorStream = Redacted(await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false), request);
            var errorBody = await ReadBoundedAsync(errorStream, 64 * 1024, deadline.Token).ConfigureAwait(false);
            return UpstreamResult.Failed(ProviderErrorReader.Read((int)response.StatusCode, errorBody, ProviderErrorReader.ParseRetryAfter(response)) with { Host = host });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return UpstreamResult.Failed(Failure(ProviderFailureKind.Timeout, (int)response.StatusCode,
                $"provider '{provider.Name}' at {host} answered HTTP {(int)response.StatusCode} but its error body did not arrive in time"));
        }
        catch (HttpRequestException ex)
        {
            return UpstreamResult.Failed(Failure(ProviderFailureKind.UpstreamError, (int)response.StatusCode,
                $"provider '{provider.Name}' at {host} answered HTTP {(int)response.StatusCode} and then broke the connection: {Describe(ex)}"));
        }
        finally
        {
            response.Dispose();
            deadline.Dispose();
        }
    }

    private Stream Redacted(Stream body, UpstreamRequest request) =>
        redactor.Longest == 0 && request.CallerSecret.Length < SecretRedactor.MinimumLength ? body : new RedactingStream(body, redactor, request.CallerSecret);

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        await using var _ = stream.ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            var length = 0;
            int read;
            while (length < limit && (read = await stream.ReadAsync(buffer.AsMemory(length, limit - length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Describe(HttpRequestException ex) =>
        ex.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : ex.HttpRequestError.ToString();
}
