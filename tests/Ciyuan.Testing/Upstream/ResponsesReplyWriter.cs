using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ciyuan.Testing.Upstream;

/// <summary>
/// Answers a <see cref="Reply"/> as OpenAI's Responses API does: a response object, or a stream of
/// typed events numbered by <c>sequence_number</c> that ends with <c>response.completed</c> (or
/// <c>response.incomplete</c> after a length stop) carrying the usage. No <c>[DONE]</c>.
/// </summary>
internal static class ResponsesReplyWriter
{
    private const string Id = "resp_upstream";

    public static async Task<bool> WriteAsync(HttpContext context, Reply reply, string model, bool stream)
    {
        var output = Output(reply);
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Response(reply, model, Status(reply), output, withUsage: true).ToJsonString()).ConfigureAwait(false);
            return true;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        var sequence = 0;
        async Task EventAsync(string type, JsonObject data)
        {
            var framed = new JsonObject { ["type"] = type, ["sequence_number"] = sequence++ };
            foreach (var (name, value) in data)
            {
                framed[name] = value?.DeepClone();
            }

            await response.WriteAsync($"event: {type}\ndata: {framed.ToJsonString()}\n\n").ConfigureAwait(false);
            await response.Body.FlushAsync().ConfigureAwait(false);
            if (reply.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.ChunkDelay).ConfigureAwait(false);
            }
        }

        await EventAsync("response.created", new JsonObject { ["response"] = Response(reply, model, "in_progress", [], withUsage: false) }).ConfigureAwait(false);
        await EventAsync("response.in_progress", new JsonObject { ["response"] = Response(reply, model, "in_progress", [], withUsage: false) }).ConfigureAwait(false);
        for (var i = 0; i < output.Count; i++)
        {
            var item = output[i]!.AsObject();
            var id = item["id"]!.GetValue<string>();
            await EventAsync("response.output_item.added", new JsonObject { ["output_index"] = i, ["item"] = Started(item) }).ConfigureAwait(false);
            switch (item["type"]!.GetValue<string>())
            {
                case "reasoning":
                    var summary = item["summary"]![0]!["text"]!.GetValue<string>();
                    await EventAsync("response.reasoning_summary_part.added", Part(id, i, "summary_index", new JsonObject { ["type"] = "summary_text", ["text"] = "" })).ConfigureAwait(false);
                    foreach (var piece in ChatStreamWriter.Split(summary, reply.Chunks))
                    {
                        await EventAsync("response.reasoning_summary_text.delta", Delta(id, i, piece, "summary_index")).ConfigureAwait(false);
                    }

                    await EventAsync("response.reasoning_summary_text.done", new JsonObject { ["item_id"] = id, ["output_index"] = i, ["summary_index"] = 0, ["text"] = summary }).ConfigureAwait(false);
                    await EventAsync("response.reasoning_summary_part.done", Part(id, i, "summary_index", new JsonObject { ["type"] = "summary_text", ["text"] = summary })).ConfigureAwait(false);
                    break;
                case "message":
                    await EventAsync("response.content_part.added", Part(id, i, "content_index", TextPart(""))).ConfigureAwait(false);
                    foreach (var piece in ChatStreamWriter.Split(reply.Content, reply.Chunks))
                    {
                        await EventAsync("response.output_text.delta", Delta(id, i, piece, "content_index")).ConfigureAwait(false);
                    }

                    await EventAsync("response.output_text.done", new JsonObject { ["item_id"] = id, ["output_index"] = i, ["content_index"] = 0, ["text"] = reply.Content }).ConfigureAwait(false);
                    await EventAsync("response.content_part.done", Part(id, i, "content_index", TextPart(reply.Content))).ConfigureAwait(false);
                    break;
                default:
                    var arguments = item["arguments"]!.GetValue<string>();
                    await EventAsync("response.function_call_arguments.delta", new JsonObject { ["item_id"] = id, ["output_index"] = i, ["delta"] = arguments }).ConfigureAwait(false);
                    await EventAsync("response.function_call_arguments.done", new JsonObject { ["item_id"] = id, ["output_index"] = i, ["arguments"] = arguments }).ConfigureAwait(false);
                    break;
            }

            await EventAsync("response.output_item.done", new JsonObject { ["output_index"] = i, ["item"] = item.DeepClone() }).ConfigureAwait(false);
        }

        var status = Status(reply);
        await EventAsync(status == "completed" ? "response.completed" : "response.incomplete",
            new JsonObject { ["response"] = Response(reply, model, status, output, withUsage: true) }).ConfigureAwait(false);
        return true;
    }

    private static string Status(Reply reply) => reply.FinishReason == "length" ? "incomplete" : "completed";

    private static JsonArray Output(Reply reply)
    {
        var output = new JsonArray();
        if (reply.Reasoning is { } reasoning)
        {
            output.Add(new JsonObject { ["id"] = "rs_up_0", ["type"] = "reasoning", ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = reasoning }) });
        }

        if (reply.Content.Length > 0)
        {
            output.Add(new JsonObject
            {
                ["id"] = "msg_up_1", ["type"] = "message", ["status"] = "completed", ["role"] = "assistant",
                ["content"] = new JsonArray(TextPart(reply.Content)),
            });
        }

        var n = 0;
        foreach (var call in reply.ToolCalls)
        {
            output.Add(new JsonObject
            {
                ["id"] = $"fc_up_{n++}", ["type"] = "function_call", ["status"] = "completed", ["arguments"] = call.ArgumentsJson, ["call_id"] = call.Id, ["name"] = call.Name,
            });
        }

        return output;
    }

    private static JsonObject Response(Reply reply, string model, string status, JsonArray output, bool withUsage) => new()
    {
        ["id"] = Id,
        ["object"] = "response",
        ["created_at"] = 1_763_800_000,
        ["status"] = status,
        ["error"] = null,
        ["incomplete_details"] = status == "incomplete" ? new JsonObject { ["reason"] = "max_output_tokens" } : null,
        ["model"] = model,
        ["output"] = output.DeepClone(),
        ["usage"] = withUsage
            ? new JsonObject
            {
                ["input_tokens"] = reply.PromptTokens,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = reply.CachedTokens },
                ["output_tokens"] = reply.CompletionTokens,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reply.ReasoningTokens },
                ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
            }
            : null,
    };

    /// <summary>An item as <c>output_item.added</c> shows it: nothing generated yet.</summary>
    private static JsonObject Started(JsonObject item)
    {
        var started = item.DeepClone().AsObject();
        switch (item["type"]!.GetValue<string>())
        {
            case "reasoning":
                started["summary"] = new JsonArray();
                break;
            case "message":
                started["status"] = "in_progress";
                started["content"] = new JsonArray();
                break;
            default:
                started["status"] = "in_progress";
                started["arguments"] = "";
                break;
        }

        return started;
    }

    private static JsonObject TextPart(string text) => new() { ["type"] = "output_text", ["annotations"] = new JsonArray(), ["text"] = text };

    private static JsonObject Part(string id, int index, string indexName, JsonObject part) =>
        new() { ["item_id"] = id, ["output_index"] = index, [indexName] = 0, ["part"] = part };

    private static JsonObject Delta(string id, int index, string delta, string indexName) =>
        new() { ["item_id"] = id, ["output_index"] = index, [indexName] = 0, ["delta"] = delta };
}
