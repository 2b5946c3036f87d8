using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ciyuan.Testing.Upstream;

/// <summary>Answers a <see cref="Reply"/> in Anthropic's Messages dialect, streamed (exact event order) or not.</summary>
internal static class AnthropicReplyWriter
{
    public static async Task<bool> WriteAsync(HttpContext context, Reply reply, string model, bool stream)
    {
        var input = reply.PromptTokens - reply.CachedTokens;
        if (!stream)
        {
            var content = new JsonArray();
            if (reply.Reasoning is { } thinking)
            {
                content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = thinking, ["signature"] = "sig-test" });
            }

            if (reply.Content.Length > 0)
            {
                content.Add(new JsonObject { ["type"] = "text", ["text"] = reply.Content });
            }

            foreach (var call in reply.ToolCalls)
            {
                content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = JsonNode.Parse(call.ArgumentsJson) });
            }

            var message = new JsonObject
            {
                ["id"] = "msg_test",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = content,
                ["stop_reason"] = StopReason(reply),
                ["stop_sequence"] = null,
                ["usage"] = Usage(input, reply.CachedTokens, reply.CompletionTokens),
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(message.ToJsonString()).ConfigureAwait(false);
            return true;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        var start = new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_test", ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = new JsonArray(),
                ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = Usage(input, reply.CachedTokens, 1),
            },
        };
        await EventAsync(response, "message_start", start).ConfigureAwait(false);
        await EventAsync(response, "ping", new JsonObject { ["type"] = "ping" }).ConfigureAwait(false);
        var index = 0;
        if (reply.Reasoning is { } reasoning)
        {
            await EventAsync(response, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = new JsonObject { ["type"] = "thinking", ["thinking"] = "" } }).ConfigureAwait(false);
            foreach (var piece in ChatStreamWriter.Split(reasoning, reply.Chunks))
            {
                await EventAsync(response, "content_block_delta", Delta(index, new JsonObject { ["type"] = "thinking_delta", ["thinking"] = piece })).ConfigureAwait(false);
            }

            await EventAsync(response, "content_block_delta", Delta(index, new JsonObject { ["type"] = "signature_delta", ["signature"] = "sig-test" })).ConfigureAwait(false);
            await EventAsync(response, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index++ }).ConfigureAwait(false);
        }

        if (reply.Content.Length > 0)
        {
            await EventAsync(response, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } }).ConfigureAwait(false);
            var sent = 0;
            foreach (var piece in ChatStreamWriter.Split(reply.Content, reply.Chunks))
            {
                if (reply.CutAfterChunks == sent)
                {
                    await Task.Delay(200).ConfigureAwait(false);
                    context.Abort();
                    return false;
                }

                await EventAsync(response, "content_block_delta", Delta(index, new JsonObject { ["type"] = "text_delta", ["text"] = piece })).ConfigureAwait(false);
                sent++;
            }

            await EventAsync(response, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index++ }).ConfigureAwait(false);
        }

        foreach (var call in reply.ToolCalls)
        {
            await EventAsync(response, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = new JsonObject() } }).ConfigureAwait(false);
            await EventAsync(response, "content_block_delta", Delta(index, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = call.ArgumentsJson })).ConfigureAwait(false);
            await EventAsync(response, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index++ }).ConfigureAwait(false);
        }

        await EventAsync(response, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(reply), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.CompletionTokens },
        }).ConfigureAwait(false);
        await EventAsync(response, "message_stop", new JsonObject { ["type"] = "message_stop" }).ConfigureAwait(false);
        return true;
    }

    private static string StopReason(Reply reply) => reply.FinishReason switch
    {
        "tool_calls" => "tool_use",
        "length" => "max_tokens",
        _ => "end_turn",
    };

    private static JsonObject Usage(long input, long cacheRead, long output) => new()
    {
        ["input_tokens"] = input,
        ["cache_creation_input_tokens"] = 0,
        ["cache_read_input_tokens"] = cacheRead,
        ["output_tokens"] = output,
    };

    private static JsonObject Delta(int index, JsonObject delta) =>
        new() { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta };

    private static async Task EventAsync(HttpResponse response, string name, JsonObject data)
    {
        await response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n").ConfigureAwait(false);
        await response.Body.FlushAsync().ConfigureAwait(false);
    }
}
