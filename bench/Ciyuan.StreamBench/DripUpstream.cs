using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ciyuan.StreamBench;

/// <summary>
/// An OpenAI-compatible upstream on loopback whose streams drip: a role chunk, then <c>--chunks</c>
/// content chunks <c>--interval-ms</c> apart, a finish chunk, a usage chunk and <c>[DONE]</c>, each
/// flushed on its own. Non-streamed requests get a whole answer at once. <c>GET /stats</c> says how
/// many streams are open and how many were served whole or cut.
/// </summary>
internal static class DripUpstream
{
    private static long s_open;
    private static long s_peakOpen;
    private static long s_completed;
    private static long s_aborted;

    public static async Task<int> RunAsync(Options options)
    {
        var port = options.Int("port", 18180);
        var chunks = options.Int("chunks", 20);
        var interval = TimeSpan.FromMilliseconds(options.Int("interval-ms", 0));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // A deep accept queue: thousands of streams are opened within seconds.
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 8192);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/stats", () => Results.Json(new
        {
            open = Interlocked.Read(ref s_open),
            peak_open = Interlocked.Read(ref s_peakOpen),
            completed = Interlocked.Read(ref s_completed),
            aborted = Interlocked.Read(ref s_aborted),
        }));
        app.MapPost("/v1/chat/completions", context => ServeAsync(context, chunks, interval));
        Console.WriteLine($"upstream on 127.0.0.1:{port}: {chunks} chunks, {interval.TotalMilliseconds} ms apart");
        await app.RunAsync();
        return 0;
    }

    private static async Task ServeAsync(HttpContext context, int chunks, TimeSpan interval)
    {
        bool stream;
        string model;
        using (var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))
        {
            stream = body.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            model = body.RootElement.TryGetProperty("model", out var m) ? m.GetString() ?? "model" : "model";
        }

        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var usage = $$"""{"prompt_tokens":12,"completion_tokens":{{chunks}},"total_tokens":{{12 + chunks}}}""";
        if (!stream)
        {
            var text = string.Join(' ', Enumerable.Range(0, chunks).Select(Word));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $$"""{"id":"{{id}}","object":"chat.completion","created":1,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{text}}"},"finish_reason":"stop"}],"usage":{{usage}}}""",
                context.RequestAborted);
            Interlocked.Increment(ref s_completed);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var open = Interlocked.Increment(ref s_open);
        RaisePeak(open);
        try
        {
            var head = $$"""data: {"id":"{{id}}","object":"chat.completion.chunk","created":1,"model":"{{model}}","choices":[""";
            await SendAsync(context, head + """{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""");
            for (var i = 0; i < chunks; i++)
            {
                if (interval > TimeSpan.Zero)
                {
                    await Task.Delay(interval, context.RequestAborted);
                }

                await SendAsync(context, head + $$"""{"index":0,"delta":{"content":"{{(i == 0 ? "" : " ") + Word(i)}}"},"finish_reason":null}]}""");
            }

            await SendAsync(context, head + """{"index":0,"delta":{},"finish_reason":"stop"}]}""");
            await SendAsync(context, head + $$"""],"usage":{{usage}}}""");
            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
            Interlocked.Increment(ref s_completed);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref s_aborted);
        }
        catch (IOException)
        {
            Interlocked.Increment(ref s_aborted);
        }
        finally
        {
            Interlocked.Decrement(ref s_open);
        }
    }

    private static Task SendAsync(HttpContext context, string frame) =>
        context.Response.WriteAsync(frame + "\n\n", Encoding.UTF8, context.RequestAborted);

    private static string Word(int i) => "word" + (i % 50).ToString(CultureInfo.InvariantCulture);

    private static void RaisePeak(long open)
    {
        var peak = Interlocked.Read(ref s_peakOpen);
        while (open > peak && Interlocked.CompareExchange(ref s_peakOpen, open, peak) != peak)
        {
            peak = Interlocked.Read(ref s_peakOpen);
        }
    }
}
