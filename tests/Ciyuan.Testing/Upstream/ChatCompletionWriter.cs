using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ciyuan.Testing.Upstream;

/// <summary>Writes a non-streaming <c>chat.completion</c> for a <see cref="Reply"/>.</summary>
internal static class ChatCompletionWriter
{
    public static async Task<bool> WriteAsync(HttpContext context, Reply reply, string model)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.ToolCalls.Count > 0 && reply.Content.Length == 0 ? null : reply.Content };
        if (reply.Reasoning is not null)
        {
            message[reply.ReasoningField] = reply.Reasoning;
        }

        if (reply.ToolCalls.Count > 0)
        {
            var calls = new JsonArray();
            foreach (var call in reply.ToolCalls)
            {
                calls.Add(new JsonObject
                {
                    ["id"] = call.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
                });
            }

            message["tool_calls"] = calls;
        }

        var body = new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1763800000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = reply.FinishReason,
            }),
        };
        if (reply.Usage != UsagePlacement.None)
        {
            body["usage"] = UsageJson.For(reply, reply.Usage == UsagePlacement.InChoice);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
        return true;
    }
}
