using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// <c>context_management</c> for translated requests. Ciyuan applies <c>clear_thinking_20251015</c>
/// itself — it removes the reasoning of all but the last <c>keep</c> assistant turns, and
/// <c>keep: "all"</c> (what Claude Code sends) leaves the history as it is — so the upstream sees
/// the history Anthropic's model would have seen. Other edits (clearing tool results, compaction)
/// depend on Anthropic's own token accounting and are refused.
/// </summary>
internal static class AnthropicContextEdits
{
    public const string ClearThinking = "clear_thinking_20251015";

    /// <summary>Anthropic's default for <c>keep</c>: the reasoning of the last assistant turn.</summary>
    private const int DefaultKeptTurns = 1;

    public static List<ChatMessage> Apply(JsonElement root, List<ChatMessage> messages, List<SourceField> fields)
    {
        if (JsonRead.OptionalObject(root, "context_management", "") is not { } management)
        {
            return messages;
        }

        foreach (var property in management.EnumerateObject())
        {
            if (property.Name != "edits")
            {
                fields.Add(new SourceField("context_management." + property.Name, FieldFate.Refused, AnthropicFieldFates.UnknownReason));
            }
        }

        if (JsonRead.OptionalArray(management, "edits", "context_management") is not { } edits)
        {
            return messages;
        }

        var index = 0;
        foreach (var edit in edits.EnumerateArray())
        {
            var path = $"context_management.edits[{index++}]";
            JsonRead.RequireObject(edit, path);
            var type = JsonRead.RequiredString(edit, "type", path);
            if (type != ClearThinking)
            {
                fields.Add(new SourceField(path, FieldFate.Refused,
                    $"the context edit \"{type}\" is applied only by Anthropic; Ciyuan applies {ClearThinking} itself"));
                continue;
            }

            if (KeptTurns(edit, path) is { } kept)
            {
                messages = ClearOlderReasoning(messages, kept);
            }
        }

        return messages;
    }

    /// <summary>How many of the last assistant turns keep their reasoning; null for all.</summary>
    private static int? KeptTurns(JsonElement edit, string path)
    {
        if (!JsonRead.TryGet(edit, "keep", out var keep))
        {
            return DefaultKeptTurns;
        }

        if (keep.ValueKind == JsonValueKind.String && keep.GetString() == "all")
        {
            return null;
        }

        var keepPath = JsonRead.Path(path, "keep");
        JsonRead.RequireObject(keep, keepPath);
        var unit = JsonRead.RequiredString(keep, "type", keepPath);
        if (unit != "thinking_turns")
        {
            throw new TranslationException(JsonRead.Path(keepPath, "type"), $"unknown unit \"{unit}\"; expected \"thinking_turns\"");
        }

        return JsonRead.OptionalInt(keep, "value", keepPath) is { } value and >= 0 ? value
            : throw new TranslationException(JsonRead.Path(keepPath, "value"), "must be a whole number of turns, 0 or more");
    }

    private static List<ChatMessage> ClearOlderReasoning(List<ChatMessage> messages, int keptTurns)
    {
        var seen = 0;
        var result = new List<ChatMessage>(messages);
        for (var i = result.Count - 1; i >= 0; i--)
        {
            var message = result[i];
            if (message.Role != ChatRole.Assistant || !message.Content.Any(static p => p is ReasoningPart))
            {
                continue;
            }

            if (++seen > keptTurns)
            {
                result[i] = message with { Content = [.. message.Content.Where(static p => p is not ReasoningPart)] };
            }
        }

        return result;
    }
}
