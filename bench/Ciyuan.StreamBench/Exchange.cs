using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Ciyuan.StreamBench;

/// <summary>
/// One chat completion through the gateway, read to its end. A stream counts as served when it ends
/// with <c>data: [DONE]</c>; anything else (a status other than 200, a cut stream, a timeout) is an
/// error named by its kind.
/// </summary>
internal static class Exchange
{
    private static readonly byte[] s_done = "data: [DONE]"u8.ToArray();

    public static HttpRequestMessage Request(Uri url, string key, string run, bool stream, bool http2)
    {
        var body = stream
            ? """{"model":"gpt-4o-mini","stream":true,"max_tokens":256,"messages":[{"role":"user","content":"Count slowly to thirty."}]}"""
            : """{"model":"gpt-4o-mini","max_tokens":256,"messages":[{"role":"user","content":"Say something short."}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (http2)
        {
            // HTTP/2 without TLS (prior knowledge): many streams share one connection.
            request.Version = System.Net.HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-Ciyuan-Run", run);
        return request;
    }

    /// <summary>Sends the request and reads the answer whole; <paramref name="onFrame"/> hears of every SSE frame.</summary>
    public static async Task<Outcome> RunAsync(HttpClient client, HttpRequestMessage request, bool stream, Action? onFrame, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var headers = Stopwatch.GetElapsedTime(started);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                return Outcome.Failed($"http {(int)response.StatusCode}", headers);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[4096];
            var frames = 0;
            TimeSpan? firstFrame = null;
            var tail = new byte[s_done.Length + 4];
            var tailLength = 0;
            var previous = (byte)0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n' && previous == (byte)'\n')
                    {
                        frames++;
                        firstFrame ??= Stopwatch.GetElapsedTime(started);
                        onFrame?.Invoke();
                    }

                    previous = buffer[i];
                }

                Remember(tail, ref tailLength, buffer.AsSpan(0, read));
            }

            var total = Stopwatch.GetElapsedTime(started);
            if (stream && !tail.AsSpan(0, tailLength).TrimEnd("\n"u8).EndsWith(s_done))
            {
                return Outcome.Failed("stream cut (no [DONE])", total);
            }

            return Outcome.Served(frames, firstFrame ?? total, total);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Outcome.Failed("client timeout", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return Outcome.Failed("http error: " + (e.HttpRequestError.ToString()), Stopwatch.GetElapsedTime(started));
        }
        catch (IOException e)
        {
            return Outcome.Failed("io: " + e.GetType().Name, Stopwatch.GetElapsedTime(started));
        }
    }

    private static void Remember(byte[] tail, ref int length, ReadOnlySpan<byte> read)
    {
        if (read.Length >= tail.Length)
        {
            read[^tail.Length..].CopyTo(tail);
            length = tail.Length;
            return;
        }

        var keep = Math.Min(length, tail.Length - read.Length);
        tail.AsSpan(length - keep, keep).CopyTo(tail);
        read.CopyTo(tail.AsSpan(keep));
        length = keep + read.Length;
    }
}

/// <summary>How one exchange ended: served with so many SSE frames, or failed with a kind.</summary>
internal sealed record Outcome(string? Error, int Frames, TimeSpan FirstFrame, TimeSpan Elapsed)
{
    public static Outcome Served(int frames, TimeSpan firstFrame, TimeSpan elapsed) => new(null, frames, firstFrame, elapsed);

    public static Outcome Failed(string kind, TimeSpan elapsed) => new(kind, 0, elapsed, elapsed);
}
