using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// Writes what the client asked about thinking in the upstream's own terms: a thinking object
/// (DeepSeek, Kimi, GLM, Ark), <c>enable_thinking</c> with a budget (Qwen), or a
/// <c>reasoning_effort</c> word (OpenAI, Kimi K3). Adaptive thinking turns thinking on and leaves
/// its depth to the effort word or the vendor's default; an effort is written as the nearest word
/// the vendor accepts at or above it. What the upstream has no setting for is reported as dropped.
/// </summary>
internal static class ReasoningWriter
{
    /// <summary>Effort words from weakest to strongest, across OpenAI, Anthropic and the Chinese vendors.</summary>
    private static readonly string[] Levels = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

    public static void Write(Utf8JsonWriter writer, ReasoningConfig? reasoning, OpenAIEncodeOptions options, Dialect source, ICollection<string> dropped)
    {
        if (reasoning is null)
        {
            return;
        }

        var effortPath = source switch
        {
            Dialect.Anthropic => "output_config.effort",
            Dialect.Responses => "reasoning.effort",
            _ => "reasoning_effort",
        };
        if (options.ThinkingStyle is ThinkingStyle.None or ThinkingStyle.ReasoningSplit)
        {
            // The upstream has no reasoning switch: the model thinks as it was deployed to.
            if (reasoning.Mode is not null)
            {
                dropped.Add("thinking");
            }

            if (reasoning.Effort is not null)
            {
                dropped.Add(effortPath);
            }

            return;
        }

        var enabled = reasoning.Mode switch
        {
            ReasoningMode.Disabled => false,
            null => !ReasoningBudget.IsOff(reasoning.Effort),
            _ => true,
        };
        var effortWritten = false;
        switch (options.ThinkingStyle)
        {
            case ThinkingStyle.ThinkingObject:
                writer.WriteStartObject("thinking");
                writer.WriteString("type", enabled ? "enabled" : "disabled");
                writer.WriteEndObject();
                if (enabled && WordFor(reasoning) is { } word)
                {
                    if (options.EffortWords is { } words)
                    {
                        writer.WriteString("reasoning_effort", Nearest(word, words));
                        effortWritten = true;
                    }
                    else if (reasoning.Effort is null)
                    {
                        dropped.Add("thinking.budget_tokens");
                    }
                }

                break;
            case ThinkingStyle.EnableThinking:
                writer.WriteBoolean("enable_thinking", enabled);
                if (enabled && (reasoning.BudgetTokens ?? (reasoning.Effort is { } effort ? ReasoningBudget.BudgetFor(effort) : null)) is { } budget)
                {
                    writer.WriteNumber("thinking_budget", budget);
                    effortWritten = true;
                }

                break;
            default:
                var chosen = enabled ? WordFor(reasoning) : reasoning.Effort ?? options.DisabledEffort;
                if (chosen is not null)
                {
                    writer.WriteString("reasoning_effort", options.EffortWords is { } accepted ? Accepted(chosen, accepted, enabled) : chosen);
                    effortWritten = true;
                }

                break;
        }

        if (reasoning.Effort is not null && !effortWritten)
        {
            dropped.Add(effortPath);
        }
    }

    /// <summary>The vendor word nearest at or above <paramref name="word"/>; the strongest when none is.</summary>
    public static string Nearest(string word, IReadOnlyList<string> words)
    {
        if (words.Contains(word))
        {
            return word;
        }

        var rank = Rank(word);
        foreach (var candidate in words)
        {
            if (Rank(candidate) >= rank)
            {
                return candidate;
            }
        }

        return words[^1];
    }

    /// <summary>The client's effort word, or one derived from its thinking budget.</summary>
    private static string? WordFor(ReasoningConfig reasoning) =>
        reasoning.Effort ?? (reasoning.BudgetTokens is { } tokens ? ReasoningBudget.EffortFor(tokens) : null);

    /// <summary>A request to think less than the vendor can is an approximation; a request not to think at all that it cannot honour is refused.</summary>
    private static string Accepted(string word, IReadOnlyList<string> words, bool enabled)
    {
        if (!enabled && !words.Contains(word))
        {
            throw new TranslationException("thinking", "this upstream cannot turn thinking off");
        }

        return Nearest(word, words);
    }

    /// <summary>Unknown words rank as medium.</summary>
    private static int Rank(string word)
    {
        var index = Array.IndexOf(Levels, word);
        return index >= 0 ? index : Array.IndexOf(Levels, "medium");
    }
}
