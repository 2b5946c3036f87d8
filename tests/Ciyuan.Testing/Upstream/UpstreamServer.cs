using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciyuan.Testing.Upstream;

/// <summary>
/// An OpenAI-dialect upstream on real Kestrel over loopback (with Anthropic's Messages and OpenAI's Responses routes beside it). It answers as each behaviour says
/// (normal, streamed with usage in any vendor's place, keep-alives, errors in each vendor's shape,
/// slow, hanging, cut-off, garbled) and records and counts what it served.
/// </summary>
public sealed partial class UpstreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, UpstreamBehavior> _byModel = new(StringComparer.Ordinal);
    private int _completed;
    private long _endlessBytes;

    private UpstreamServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The OpenAI-dialect base URL, e.g. <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The Anthropic-dialect base URL (as vendors publish it): <c>http://127.0.0.1:PORT/anthropic</c>.</summary>
    public Uri AnthropicBaseUrl { get; private set; } = null!;

    public UpstreamBehavior Default { get; set; } = new Reply();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Responses written in full (a cut-off or hanging one does not count).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Bytes an <see cref="EndlessStream"/> sent before its client hung up.</summary>
    public long EndlessBytesSent => Interlocked.Read(ref _endlessBytes);

    public void Script(string upstreamModel, UpstreamBehavior behavior) => _byModel[upstreamModel] = behavior;

    public static async Task<UpstreamServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        var server = new UpstreamServer(app);
        app.MapPost("/v1/chat/completions", server.HandleChatAsync);
        app.MapPost("/v1/embeddings", server.HandleEmbeddingsAsync);
        app.MapPost("/anthropic/v1/messages", server.HandleMessagesAsync);
        app.MapPost("/v1/responses", server.HandleResponsesAsync);
        app.MapGet("/v1/models", static () => Results.Json(new { @object = "list", data = Array.Empty<object>() }));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        server.AnthropicBaseUrl = new Uri(address.TrimEnd('/') + "/anthropic");
        return server;
    }

    private async Task<(RecordedRequest Request, JsonObject Json)> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var recorded = new RecordedRequest(context.Request.Path, headers, body);
        _requests.Enqueue(recorded);
        return (recorded, JsonNode.Parse(body)?.AsObject() ?? []);
    }

    private UpstreamBehavior BehaviorFor(JsonObject json)
    {
        var behavior = json["model"]?.GetValue<string>() is { } model && _byModel.TryGetValue(model, out var scripted) ? scripted : Default;
        return behavior is Scripted script ? script.Choose(json) : behavior;
    }

    private async Task HandleChatAsync(HttpContext context)
    {
        var (_, json) = await RecordAsync(context).ConfigureAwait(false);
        var behavior = BehaviorFor(json);
        var stream = json["stream"]?.GetValue<bool>() == true;
        var includeUsage = json["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        var model = json["model"]?.GetValue<string>() ?? "unknown";
        var finished = behavior switch
        {
            Honour honour => await HostileWriter.HonourAsync(context, honour, json, model, stream).ConfigureAwait(false),
            EchoCredentials echo => await HostileWriter.EchoAsync(context, echo, model, stream).ConfigureAwait(false),
            EndlessStream endless => Interlocked.Add(ref _endlessBytes, await HostileWriter.EndlessAsync(context, endless, model).ConfigureAwait(false)) < 0,
            GiantBody giant => await HostileWriter.GiantAsync(context, giant, model).ConfigureAwait(false),
            _ => await RespondAsync(context, behavior, model, stream, includeUsage).ConfigureAwait(false),
        };
        if (finished)
        {
            Interlocked.Increment(ref _completed);
        }
    }

    private async Task HandleMessagesAsync(HttpContext context)
    {
        var (_, json) = await RecordAsync(context).ConfigureAwait(false);
        var behavior = BehaviorFor(json);
        var stream = json["stream"]?.GetValue<bool>() == true;
        var model = json["model"]?.GetValue<string>() ?? "unknown";
        var finished = behavior is Reply reply
            ? await AnthropicReplyWriter.WriteAsync(context, reply, model, stream).ConfigureAwait(false)
            : await RespondAsync(context, behavior, model, stream, includeUsage: false).ConfigureAwait(false);
        if (finished)
        {
            Interlocked.Increment(ref _completed);
        }
    }

    private async Task HandleEmbeddingsAsync(HttpContext context)
    {
        var (_, json) = await RecordAsync(context).ConfigureAwait(false);
        var behavior = BehaviorFor(json);
        if (behavior is Reply reply)
        {
            var inputs = json["input"] is JsonArray array ? array.Count : 1;
            var data = new JsonArray();
            for (var i = 0; i < inputs; i++)
            {
                data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = new JsonArray(0.1, -0.2, 0.3) });
            }

            behavior = new JsonBody(new JsonObject
            {
                ["object"] = "list",
                ["data"] = data,
                ["model"] = json["model"]?.GetValue<string>(),
                ["usage"] = new JsonObject { ["prompt_tokens"] = reply.PromptTokens, ["total_tokens"] = reply.PromptTokens },
            });
        }

        if (await RespondAsync(context, behavior, json["model"]?.GetValue<string>() ?? "unknown", stream: false, includeUsage: false).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _completed);
        }
    }

    /// <summary>True when the response was written in full.</summary>
    private static async Task<bool> RespondAsync(HttpContext context, UpstreamBehavior behavior, string model, bool stream, bool includeUsage)
    {
        var response = context.Response;
        switch (behavior)
        {
            case Fail fail:
                response.StatusCode = fail.Status;
                response.ContentType = "application/json";
                if (fail.RetryAfterSeconds is { } seconds)
                {
                    response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await response.WriteAsync(fail.Body).ConfigureAwait(false);
                return true;

            case Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
                return false;

            case Raw raw:
                return await WriteRawAsync(context, raw).ConfigureAwait(false);

            case JsonBody body:
                response.ContentType = "application/json";
                await response.WriteAsync(body.Body.ToJsonString()).ConfigureAwait(false);
                return true;

            case Reply reply:
                if (reply.FirstByteDelay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.FirstByteDelay, context.RequestAborted).ConfigureAwait(false);
                }

                return stream
                    ? await ChatStreamWriter.WriteAsync(context, reply, model, includeUsage).ConfigureAwait(false)
                    : await ChatCompletionWriter.WriteAsync(context, reply, model).ConfigureAwait(false);

            default:
                throw new InvalidOperationException($"unknown behaviour {behavior.GetType().Name}");
        }
    }

    private static async Task<bool> WriteRawAsync(HttpContext context, Raw raw)
    {
        context.Response.StatusCode = raw.Status;
        context.Response.ContentType = raw.ContentType;
        if (!raw.ContentType.StartsWith("text/event-stream", StringComparison.Ordinal))
        {
            await context.Response.WriteAsync(raw.Body).ConfigureAwait(false);
            return true;
        }

        // Replay event by event, flushing each, as a live upstream would.
        var events = raw.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n");
        for (var i = 0; i < events.Length; i++)
        {
            var text = i < events.Length - 1 ? events[i] + "\n\n" : events[i];
            if (text.Length == 0)
            {
                continue;
            }

            await context.Response.WriteAsync(text).ConfigureAwait(false);
            await context.Response.Body.FlushAsync().ConfigureAwait(false);
            if (raw.EventDelay > TimeSpan.Zero)
            {
                await Task.Delay(raw.EventDelay).ConfigureAwait(false);
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
