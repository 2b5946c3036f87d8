using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// Anthropic's output controls → canonical: <c>thinking</c> (enabled with a budget, adaptive,
/// disabled), <c>output_config.effort</c>, and structured output (<c>output_config.format</c> or the
/// older top-level <c>output_format</c>) as a JSON-schema response format.
/// </summary>
internal static class AnthropicOutputDecoder
{
    /// <summary>
    /// <c>output_config.effort</c> becomes <see cref="ReasoningConfig.Effort"/>; an output_config with
    /// more in it (structured output) is also kept whole as an extension for Anthropic targets.
    /// </summary>
    public static ReasoningConfig? DecodeReasoning(JsonElement root, Dictionary<string, JsonElement> extensions, List<SourceField> fields)
    {
        string? effort = null;
        if (JsonRead.OptionalObject(root, "output_config", "") is { } outputConfig)
        {
            effort = JsonRead.OptionalString(outputConfig, "effort", "output_config");
            foreach (var property in outputConfig.EnumerateObject())
            {
                if (property.Name == "effort")
                {
                    continue;
                }

                extensions["output_config"] = outputConfig;
                if (property.Name != "format")
                {
                    fields.Add(new SourceField("output_config." + property.Name, FieldFate.Refused, AnthropicFieldFates.UnknownReason));
                }
            }
        }

        if (JsonRead.OptionalObject(root, "thinking", "") is not { } thinking)
        {
            return effort is null ? null : new ReasoningConfig(null) { Effort = effort };
        }

        foreach (var property in thinking.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type" or "budget_tokens":
                    break;
                case "display":
                    fields.Add(new SourceField("thinking.display", FieldFate.Dropped,
                        "the upstream's reasoning arrives in full as thinking blocks; the client decides what to show"));
                    break;
                default:
                    fields.Add(new SourceField("thinking." + property.Name, FieldFate.Refused, AnthropicFieldFates.UnknownReason));
                    break;
            }
        }

        var type = JsonRead.RequiredString(thinking, "type", "thinking");
        return type switch
        {
            "enabled" => new ReasoningConfig(ReasoningMode.Enabled)
            {
                BudgetTokens = JsonRead.OptionalInt(thinking, "budget_tokens", "thinking") ?? throw new TranslationException("thinking.budget_tokens", "is required when thinking is enabled"),
                Effort = effort,
            },
            "disabled" => new ReasoningConfig(ReasoningMode.Disabled) { Effort = effort },
            "adaptive" => new ReasoningConfig(ReasoningMode.Adaptive) { Effort = effort },
            _ => throw new TranslationException("thinking.type", $"unknown thinking type \"{type}\""),
        };
    }

    /// <summary>Structured output: <c>output_config.format</c> (current) or <c>output_format</c> (its earlier beta name).</summary>
    public static ResponseFormat? DecodeResponseFormat(JsonElement root)
    {
        if (JsonRead.OptionalObject(root, "output_config", "") is { } outputConfig && JsonRead.OptionalObject(outputConfig, "format", "output_config") is { } format)
        {
            return FromFormat(format, "output_config.format");
        }

        return JsonRead.OptionalObject(root, "output_format", "") is { } legacy ? FromFormat(legacy, "output_format") : null;
    }

    private static ResponseFormat FromFormat(JsonElement format, string path)
    {
        var type = JsonRead.RequiredString(format, "type", path);
        if (type != "json_schema")
        {
            throw new TranslationException(JsonRead.Path(path, "type"), $"unknown output format \"{type}\"");
        }

        var schema = JsonRead.OptionalObject(format, "schema", path) ?? throw new TranslationException(JsonRead.Path(path, "schema"), "is required");

        // OpenAI's json_schema wants a name; Anthropic's format has none. Strict, as Anthropic's structured output is.
        var wrapped = JsonOutput.Write(schema, static (writer, value) =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", "output");
            writer.WritePropertyName("schema");
            value.WriteTo(writer);
            writer.WriteBoolean("strict", true);
            writer.WriteEndObject();
        });
        return new ResponseFormat(ResponseFormatKind.JsonSchema, JsonRead.ParseRoot(wrapped));
    }
}
