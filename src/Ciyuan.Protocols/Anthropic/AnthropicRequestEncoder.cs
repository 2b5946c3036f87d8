using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary><see cref="ChatRequest"/> → Anthropic Messages request body.</summary>
internal static class AnthropicRequestEncoder
{
    public static byte[] Encode(ChatRequest request, string upstreamModel, int defaultMaxTokens, ICollection<string> dropped)
    {
        CheckOpenAIExtensions(request);
        CheckResponsesFields(request, dropped);
        return JsonOutput.Write((request, upstreamModel, defaultMaxTokens), static (writer, state) => Write(writer, state.request, state.upstreamModel, state.defaultMaxTokens));
    }

    private static void Write(Utf8JsonWriter writer, ChatRequest request, string upstreamModel, int defaultMaxTokens)
    {
        var maxTokens = request.MaxOutputTokens ?? defaultMaxTokens;
        writer.WriteStartObject();
        writer.WriteString("model", upstreamModel);
        writer.WriteNumber("max_tokens", maxTokens);
        AnthropicMessageEncoder.WriteSystem(writer, request.Messages);
        AnthropicMessageEncoder.WriteMessages(writer, request.Messages);
        WriteTools(writer, request);
        if (request.Stop.Count > 0)
        {
            writer.WriteStartArray("stop_sequences");
            foreach (var stop in request.Stop)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (request.Temperature is { } temperature)
        {
            // OpenAI allows up to 2, Anthropic up to 1 (docs/dialects.md, OpenAI → Anthropic: clamp).
            writer.WriteNumber("temperature", Math.Clamp(temperature, 0, 1));
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }

        if (request.TopK is { } topK)
        {
            writer.WriteNumber("top_k", topK);
        }

        WriteReasoning(writer, request, maxTokens);
        if (request.User is { } user)
        {
            writer.WriteStartObject("metadata");
            writer.WriteString("user_id", user);
            writer.WriteEndObject();
        }

        if (request.Stream)
        {
            writer.WriteBoolean("stream", true);
        }

        if (request.SourceDialect == Dialect.Anthropic)
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
            foreach (var tool in request.Tools)
            {
                if (tool.ServerTool is { } serverTool)
                {
                    serverTool.WriteTo(writer);
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("name", tool.Name);
                if (tool.Description is { } description)
                {
                    writer.WriteString("description", description);
                }

                writer.WritePropertyName("input_schema");
                tool.Parameters.WriteTo(writer);
                AnthropicBlockEncoder.WriteCacheControl(writer, tool.CacheControl);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (request.ToolChoice is null && request.ParallelToolCalls is null)
        {
            return;
        }

        var choice = request.ToolChoice ?? ToolChoice.Auto;
        writer.WriteStartObject("tool_choice");
        writer.WriteString("type", choice.Kind switch
        {
            ToolChoiceKind.Required => "any",
            ToolChoiceKind.None => "none",
            ToolChoiceKind.Tool => "tool",
            _ => "auto",
        });
        if (choice.Kind == ToolChoiceKind.Tool)
        {
            writer.WriteString("name", choice.Name ?? throw new TranslationException("tool_choice", "a forced tool needs a name"));
        }

        if (request.ParallelToolCalls is { } parallel && choice.Kind != ToolChoiceKind.None)
        {
            writer.WriteBoolean("disable_parallel_tool_use", !parallel);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// An effort without a mode came from OpenAI <c>reasoning_effort</c> (turn thinking on with the
    /// matching budget) or from Anthropic <c>output_config.effort</c> alone (leave thinking unset).
    /// The budget must stay below max_tokens; when it cannot reach Anthropic's 1024 minimum the
    /// request is rejected rather than silently losing the thinking the client asked for.
    /// </summary>
    private static void WriteReasoning(Utf8JsonWriter writer, ChatRequest request, int maxTokens)
    {
        if (request.Reasoning is not { } reasoning)
        {
            return;
        }

        var mode = reasoning.Mode;
        if (mode is null && request.SourceDialect != Dialect.Anthropic)
        {
            mode = ReasoningBudget.IsOff(reasoning.Effort) ? ReasoningMode.Disabled : ReasoningMode.Enabled;
        }

        // Anthropic refuses thinking together with a forced tool. For an OpenAI client the effort
        // was only a hint, so the call is kept and thinking left out; an Anthropic client asked for
        // both explicitly and gets Anthropic's own error.
        if (request.SourceDialect != Dialect.Anthropic && request.ToolChoice is { Kind: ToolChoiceKind.Required or ToolChoiceKind.Tool } && mode == ReasoningMode.Enabled)
        {
            mode = null;
        }

        switch (mode)
        {
            case ReasoningMode.Enabled:
                var budget = Math.Min(reasoning.BudgetTokens ?? ReasoningBudget.BudgetFor(reasoning.Effort), maxTokens - 1);
                if (budget < 1024)
                {
                    throw new TranslationException("max_tokens", "thinking needs max_tokens above 1024 on an Anthropic upstream");
                }

                writer.WriteStartObject("thinking");
                writer.WriteString("type", "enabled");
                writer.WriteNumber("budget_tokens", budget);
                writer.WriteEndObject();
                break;
            case ReasoningMode.Disabled:
                writer.WriteStartObject("thinking");
                writer.WriteString("type", "disabled");
                writer.WriteEndObject();
                break;
            case ReasoningMode.Adaptive:
                writer.WriteStartObject("thinking");
                writer.WriteString("type", "adaptive");
                writer.WriteEndObject();
                break;
            default:
                break;
        }

        // Effort words are Anthropic's own only when the client spoke Anthropic; OpenAI's words
        // were already turned into a budget above. A whole output_config extension wins.
        if (request.SourceDialect == Dialect.Anthropic && reasoning.Effort is { } effort && !request.Extensions.ContainsKey("output_config"))
        {
            writer.WriteStartObject("output_config");
            writer.WriteString("effort", effort);
            writer.WriteEndObject();
        }
    }

    /// <summary>
    /// A Responses request's fields without a canonical place meet their fates here as for an
    /// OpenAI-dialect upstream; a JSON answer format is refused, as for Chat Completions clients.
    /// </summary>
    private static void CheckResponsesFields(ChatRequest request, ICollection<string> dropped)
    {
        if (request.SourceDialect != Dialect.Responses)
        {
            return;
        }

        foreach (var field in request.SourceFields)
        {
            if (field.Fate == FieldFate.Refused)
            {
                throw new TranslationException(field.Path, $"cannot be sent to an Anthropic upstream: {field.Reason}");
            }

            dropped.Add(field.Path);
        }

        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text })
        {
            throw new TranslationException("text.format", "JSON answer formats cannot be sent to an Anthropic upstream");
        }
    }

    /// <summary>
    /// OpenAI request fields with no Anthropic equivalent that change the answer are errors;
    /// <c>seed</c> and other hints are dropped, as determinism is never guaranteed anyway.
    /// </summary>
    private static void CheckOpenAIExtensions(ChatRequest request)
    {
        if (request.SourceDialect != Dialect.OpenAI)
        {
            return;
        }

        var extensions = request.Extensions;
        if (extensions.TryGetValue("n", out var n) && n.ValueKind == JsonValueKind.Number && (!n.TryGetDouble(out var choices) || choices > 1))
        {
            throw new TranslationException("n", "several choices (n > 1) cannot be requested from an Anthropic upstream");
        }

        if (extensions.TryGetValue("logprobs", out var logprobs) && logprobs.ValueKind == JsonValueKind.True)
        {
            throw new TranslationException("logprobs", "log probabilities are not available from an Anthropic upstream");
        }

        if (extensions.TryGetValue("top_logprobs", out var top) && top.ValueKind == JsonValueKind.Number && (!top.TryGetDouble(out var alternatives) || alternatives > 0))
        {
            throw new TranslationException("top_logprobs", "log probabilities are not available from an Anthropic upstream");
        }

        foreach (var penalty in (ReadOnlySpan<string>)["presence_penalty", "frequency_penalty"])
        {
            if (extensions.TryGetValue(penalty, out var value) && value.ValueKind == JsonValueKind.Number && (!value.TryGetDouble(out var amount) || amount != 0))
            {
                throw new TranslationException(penalty, "penalties cannot be expressed for an Anthropic upstream");
            }
        }

        if (extensions.TryGetValue("audio", out var audio) && audio.ValueKind != JsonValueKind.Null)
        {
            throw new TranslationException("audio", "audio output is not available from an Anthropic upstream");
        }

        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text })
        {
            throw new TranslationException("response_format", "JSON response formats cannot be sent to an Anthropic upstream");
        }
    }
}
