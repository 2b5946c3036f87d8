using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ciyuan.Testing.Upstream;

/// <summary>Writes the answers of the hostile and honouring behaviours.</summary>
internal static class HostileWriter
{
    public static async Task<bool> EchoAsync(HttpContext context, EchoCredentials echo, string model, bool stream)
    {
        var seen = $"Authorization={context.Request.Headers.Authorization} x-api-key={context.Request.Headers["x-api-key"]}";
        if (echo.Status != 200)
        {
            context.Response.StatusCode = echo.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = "rejected request with " + seen, ["type"] = "invalid_request_error", ["code"] = "echo" },
            }.ToJsonString()).ConfigureAwait(false);
            return true;
        }

        var reply = new Reply { Content = "you sent " + seen, Chunks = 1 };
        return stream
            ? await ChatStreamWriter.WriteAsync(context, reply, model, includeUsage: true).ConfigureAwait(false)
            : await ChatCompletionWriter.WriteAsync(context, reply, model).ConfigureAwait(false);
    }

    /// <summary>Returns the bytes it managed to send before the client left.</summary>
    public static async Task<long> EndlessAsync(HttpContext context, EndlessStream endless, string model)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        var frame = Encoding.UTF8.GetBytes("data: " + new JsonObject
        {
            ["id"] = "chatcmpl-endless",
            ["object"] = "chat.completion.chunk",
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = endless.Piece }, ["finish_reason"] = null }),
        }.ToJsonString() + "\n\n");
        long sent = 0;
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await response.Body.WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
                sent += frame.Length;
                if (sent % (frame.Length * 64) == 0)
                {
                    await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The gateway hung up: what this test server is waiting for.
        }

        return sent;
    }

    public static async Task<bool> GiantAsync(HttpContext context, GiantBody giant, string model)
    {
        var response = context.Response;
        response.ContentType = "application/json";
        try
        {
            await response.WriteAsync($$"""{"id":"chatcmpl-giant","object":"chat.completion","model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":""", context.RequestAborted).ConfigureAwait(false);
            var block = Encoding.UTF8.GetBytes(new string('a', 64 * 1024));
            for (long written = 0; written < giant.Bytes; written += block.Length)
            {
                await response.Body.WriteAsync(block, context.RequestAborted).ConfigureAwait(false);
            }

            await response.WriteAsync("""
                "},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}
                """, context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    public static async Task<bool> HonourAsync(HttpContext context, Honour honour, JsonObject request, string model, bool stream)
    {
        var choices = request["n"] is JsonValue n && n.TryGetValue(out long count) ? count : 1;
        var perChoice = Limit(request["max_completion_tokens"]) ?? Limit(request["max_tokens"]) ?? honour.DefaultMaxTokens;
        var generated = choices * perChoice;
        var usage = new JsonObject { ["prompt_tokens"] = honour.PromptTokens, ["completion_tokens"] = generated, ["total_tokens"] = honour.PromptTokens + generated };
        if (!stream)
        {
            var array = new JsonArray();
            for (var i = 0; i < choices; i++)
            {
                array.Add(new JsonObject
                {
                    ["index"] = i,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(Enumerable.Repeat("tok ", (int)perChoice)) },
                    ["finish_reason"] = "length",
                });
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["id"] = "chatcmpl-honour", ["object"] = "chat.completion", ["model"] = model, ["choices"] = array, ["usage"] = usage,
            }.ToJsonString()).ConfigureAwait(false);
            return true;
        }

        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < choices; i++)
        {
            for (var t = 0; t < perChoice; t++)
            {
                var chunk = new JsonObject
                {
                    ["id"] = "chatcmpl-honour", ["object"] = "chat.completion.chunk", ["model"] = model,
                    ["choices"] = new JsonArray(new JsonObject { ["index"] = i, ["delta"] = new JsonObject { ["content"] = "tok " }, ["finish_reason"] = t == perChoice - 1 ? "length" : null }),
                };
                await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n").ConfigureAwait(false);
            }
        }

        await context.Response.WriteAsync("data: " + new JsonObject
        {
            ["id"] = "chatcmpl-honour", ["object"] = "chat.completion.chunk", ["model"] = model, ["choices"] = new JsonArray(), ["usage"] = usage,
        }.ToJsonString() + "\n\ndata: [DONE]\n\n").ConfigureAwait(false);
        return true;
    }

    /// <summary>A limit read as a lax server would: a number, or a string holding one.</summary>
    private static long? Limit(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue(out long number) => number,
        JsonValue value when value.TryGetValue(out string? text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };
}
