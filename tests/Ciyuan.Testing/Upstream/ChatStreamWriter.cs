using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ciyuan.Testing.Upstream;

/// <summary>Writes a <c>chat.completion.chunk</c> SSE stream for a <see cref="Reply"/>, flushing every event.</summary>
internal static class ChatStreamWriter
{
    public static async Task<bool> WriteAsync(HttpContext context, Reply reply, string model, bool includeUsage)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        for (var i = 0; i < reply.KeepAlives; i++)
        {
            await WriteRawAsync(response, ": keep-alive\n\n").ConfigureAwait(false);
        }

        await WriteChunkAsync(response, model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null).ConfigureAwait(false);
        if (reply.Reasoning is { } reasoning)
        {
            foreach (var piece in Split(reasoning, reply.Chunks))
            {
                await WriteChunkAsync(response, model, new JsonObject { [reply.ReasoningField] = piece }, null).ConfigureAwait(false);
                await DelayAsync(reply).ConfigureAwait(false);
            }
        }

        var sent = 0;
        foreach (var piece in Split(reply.Content, reply.Chunks))
        {
            if (reply.CutAfterChunks == sent)
            {
                await CutAsync(context).ConfigureAwait(false);
                return false;
            }

            if (reply.MidStreamError is { } error && error.AfterChunks == sent)
            {
                await WriteRawAsync(response, $"data: {error.ErrorJson}\n\n").ConfigureAwait(false);
                return true;
            }

            await WriteChunkAsync(response, model, new JsonObject { ["content"] = piece }, null).ConfigureAwait(false);
            sent++;
            await DelayAsync(reply).ConfigureAwait(false);
        }

        if (reply.CutAfterChunks == sent)
        {
            await CutAsync(context).ConfigureAwait(false);
            return false;
        }

        for (var i = 0; i < reply.ToolCalls.Count; i++)
        {
            var call = reply.ToolCalls[i];
            var half = call.ArgumentsJson.Length / 2;
            await WriteChunkAsync(response, model, ToolDelta(i, call.Id, call.Name, call.ArgumentsJson[..half]), null).ConfigureAwait(false);
            await WriteChunkAsync(response, model, ToolDelta(i, null, null, call.ArgumentsJson[half..]), null).ConfigureAwait(false);
        }

        var finishUsage = reply.Usage switch
        {
            UsagePlacement.LastChunk => UsageJson.For(reply, moonshotStyle: false),
            _ => null,
        };
        var finish = Chunk(model, new JsonObject(), reply.FinishReason);
        if (finishUsage is not null)
        {
            finish["usage"] = finishUsage;
        }

        if (reply.Usage == UsagePlacement.InChoice)
        {
            finish["choices"]![0]!["usage"] = UsageJson.For(reply, moonshotStyle: true);
        }

        await WriteRawAsync(response, $"data: {finish.ToJsonString()}\n\n").ConfigureAwait(false);

        if (reply.Usage == UsagePlacement.OpenAI && includeUsage)
        {
            var usageChunk = new JsonObject
            {
                ["id"] = "chatcmpl-test",
                ["object"] = "chat.completion.chunk",
                ["created"] = 1763800000,
                ["model"] = model,
                ["choices"] = new JsonArray(),
                ["usage"] = UsageJson.For(reply, moonshotStyle: false),
            };
            await WriteRawAsync(response, $"data: {usageChunk.ToJsonString()}\n\n").ConfigureAwait(false);
        }

        if (!reply.OmitDone)
        {
            await WriteRawAsync(response, "data: [DONE]\n\n").ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Resets the connection mid-stream. Waits first so the chunks already written reach the
    /// client: a reset discards whatever the peer has not yet read.
    /// </summary>
    private static async Task CutAsync(HttpContext context)
    {
        await Task.Delay(200).ConfigureAwait(false);
        context.Abort();
    }

    private static JsonObject ToolDelta(int index, string? id, string? name, string arguments)
    {
        var call = new JsonObject { ["index"] = index };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }

        var function = new JsonObject { ["arguments"] = arguments };
        if (name is not null)
        {
            function["name"] = name;
        }

        call["function"] = function;
        return new JsonObject { ["tool_calls"] = new JsonArray(call) };
    }

    private static Task WriteChunkAsync(HttpResponse response, string model, JsonObject delta, string? finishReason) =>
        WriteRawAsync(response, $"data: {Chunk(model, delta, finishReason).ToJsonString()}\n\n");

    private static JsonObject Chunk(string model, JsonObject delta, string? finishReason) => new()
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1763800000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };

    private static async Task WriteRawAsync(HttpResponse response, string text)
    {
        await response.WriteAsync(text).ConfigureAwait(false);
        await response.Body.FlushAsync().ConfigureAwait(false);
    }

    private static Task DelayAsync(Reply reply) =>
        reply.ChunkDelay > TimeSpan.Zero ? Task.Delay(reply.ChunkDelay) : Task.CompletedTask;

    internal static IEnumerable<string> Split(string text, int pieces)
    {
        if (text.Length == 0)
        {
            yield break;
        }

        pieces = Math.Clamp(pieces, 1, text.Length);
        var size = (int)Math.Ceiling(text.Length / (double)pieces);
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

}
