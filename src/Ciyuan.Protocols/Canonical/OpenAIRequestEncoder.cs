using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// <see cref="ChatRequest"/> → OpenAI Chat Completions request body for one upstream. What the
/// upstream cannot take is refused (<see cref="TranslationException"/>) or, where leaving it out
/// does not change the answer, dropped and reported by path.
/// </summary>
internal static class OpenAIRequestEncoder
{
    public static byte[] Encode(ChatRequest request, OpenAIEncodeOptions options, ICollection<string> dropped)
    {
        foreach (var field in request.SourceFields)
        {
            if (field.Fate == FieldFate.Refused)
            {
                throw new TranslationException(field.Path, $"cannot be sent to an OpenAI-dialect upstream: {field.Reason}");
            }

            dropped.Add(field.Path);
        }

        return JsonOutput.Write((request, options, dropped), static (writer, state) => Write(writer, state.request, state.options, state.dropped));
    }

    private static void Write(Utf8JsonWriter writer, ChatRequest request, OpenAIEncodeOptions options, ICollection<string> dropped)
    {
        writer.WriteStartObject();
        writer.WriteString("model", options.UpstreamModel);
        OpenAIMessageEncoder.Write(writer, options.SystemMessagesAnywhere ? request.Messages : MidConversationSystem.Fold(request.Messages), options);
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

        if (request.TopK is { } topK)
        {
            if (options.SupportsTopK)
            {
                writer.WriteNumber("top_k", topK);
            }
            else
            {
                // A sampling hint with no field at this upstream.
                dropped.Add("top_k");
            }
        }

        WriteStop(writer, request, options);
        ReasoningWriter.Write(writer, request.Reasoning, options, request.SourceDialect, dropped);
        WriteResponseFormat(writer, request.ResponseFormat);
        if (request.User is { } user)
        {
            writer.WriteString(options.UserField, options.UserField == "user_id" ? UserIds.Restricted(user) : user);
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

    /// <summary>More stop strings than the upstream takes would change where the answer ends: refused, never truncated.</summary>
    private static void WriteStop(Utf8JsonWriter writer, ChatRequest request, OpenAIEncodeOptions options)
    {
        if (request.Stop.Count == 0)
        {
            return;
        }

        var field = request.SourceDialect == Dialect.Anthropic ? "stop_sequences" : "stop";
        if (request.Stop.Count > options.MaxStopSequences)
        {
            throw new TranslationException(field, $"this upstream takes at most {options.MaxStopSequences} stop sequences, the request has {request.Stop.Count}");
        }

        writer.WriteStartArray("stop");
        foreach (var stop in request.Stop)
        {
            writer.WriteStringValue(stop);
        }

        writer.WriteEndArray();
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
