using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary><see cref="ChatRequest"/> → OpenAI Chat Completions request body for one upstream.</summary>
internal static class OpenAIRequestEncoder
{
    public static byte[] Encode(ChatRequest request, OpenAIEncodeOptions options) =>
        JsonOutput.Write((request, options), static (writer, state) => Write(writer, state.request, state.options));

    private static void Write(Utf8JsonWriter writer, ChatRequest request, OpenAIEncodeOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("model", options.UpstreamModel);
        OpenAIMessageEncoder.Write(writer, request.Messages, options);
        WriteTools(writer, request);
        if (request.MaxOutputTokens is { } maxTokens)
        {
            writer.WriteNumber(options.MaxTokensField, maxTokens);
        }

        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }

        if (request.TopK is { } topK && options.SupportsTopK)
        {
            writer.WriteNumber("top_k", topK);
        }

        if (request.Stop.Count > 0 && options.MaxStopSequences > 0)
        {
            writer.WriteStartArray("stop");
            foreach (var stop in request.Stop.Take(options.MaxStopSequences))
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        WriteReasoning(writer, request.Reasoning, options);
        WriteResponseFormat(writer, request.ResponseFormat);
        if (request.User is { } user)
        {
            writer.WriteString(options.UserField, user);
        }

        if (request.Stream)
        {
            writer.WriteBoolean("stream", true);
            if (options.IncludeUsage || request.StreamIncludeUsage)
            {
                writer.WriteStartObject("stream_options");
                writer.WriteBoolean("include_usage", true);
                writer.WriteEndObject();
            }
        }

        if (request.SourceDialect == Dialect.OpenAI)
        {
            foreach (var (name, value) in request.Extensions)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter writer, ChatRequest request)
    {
        if (request.Tools.Count > 0)
        {
            writer.WriteStartArray("tools");
            for (var i = 0; i < request.Tools.Count; i++)
            {
                var tool = request.Tools[i];
                if (tool.ServerTool is not null)
                {
                    throw new TranslationException($"tools[{i}]", $"the Anthropic server tool \"{tool.Name}\" cannot be sent to this upstream");
                }

                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", tool.Name);
                if (tool.Description is { } description)
                {
                    writer.WriteString("description", description);
                }

                writer.WritePropertyName("parameters");
                tool.Parameters.WriteTo(writer);
                if (tool.Strict is { } strict)
                {
                    writer.WriteBoolean("strict", strict);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (request.ToolChoice is { } choice)
        {
            if (choice.Kind == ToolChoiceKind.Tool)
            {
                writer.WriteStartObject("tool_choice");
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", choice.Name);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("tool_choice", choice.Kind switch
                {
                    ToolChoiceKind.Required => "required",
                    ToolChoiceKind.None => "none",
                    _ => "auto",
                });
            }
        }

        // Several upstreams reject parallel_tool_calls on a request without tools.
        if (request.ParallelToolCalls is { } parallel && request.Tools.Count > 0)
        {
            writer.WriteBoolean("parallel_tool_calls", parallel);
        }
    }

    private static void WriteReasoning(Utf8JsonWriter writer, ReasoningConfig? reasoning, OpenAIEncodeOptions options)
    {
        if (reasoning is null || options.ThinkingStyle == ThinkingStyle.None)
        {
            return;
        }

        var enabled = reasoning.Mode switch
        {
            ReasoningMode.Disabled => false,
            null => !ReasoningBudget.IsOff(reasoning.Effort),
            _ => true,
        };
        switch (options.ThinkingStyle)
        {
            case ThinkingStyle.ThinkingObject:
                writer.WriteStartObject("thinking");
                writer.WriteString("type", enabled ? "enabled" : "disabled");
                writer.WriteEndObject();
                break;
            case ThinkingStyle.EnableThinking:
                writer.WriteBoolean("enable_thinking", enabled);
                if (enabled && reasoning.BudgetTokens is { } budget)
                {
                    writer.WriteNumber("thinking_budget", budget);
                }

                break;
            default:
                var effort = !enabled ? reasoning.Effort ?? options.DisabledEffort
                    : reasoning.Effort ?? (reasoning.BudgetTokens is { } tokens ? ReasoningBudget.EffortFor(tokens) : null);
                if (effort is not null)
                {
                    writer.WriteString("reasoning_effort", effort);
                }

                break;
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ResponseFormat? format)
    {
        if (format is null)
        {
            return;
        }

        writer.WriteStartObject("response_format");
        writer.WriteString("type", format.Kind switch
        {
            ResponseFormatKind.JsonObject => "json_object",
            ResponseFormatKind.JsonSchema => "json_schema",
            _ => "text",
        });
        if (format.JsonSchema is { } schema)
        {
            writer.WritePropertyName("json_schema");
            schema.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
