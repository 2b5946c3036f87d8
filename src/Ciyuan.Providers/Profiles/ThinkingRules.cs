using System.Globalization;
using System.Text;
using System.Text.Json;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Thinking controls. Clients use whichever switch their SDK knows (<c>thinking</c>,
/// <c>enable_thinking</c>, <c>reasoning_effort</c>); each vendor honours one and silently ignores the
/// others (docs/dialects.md, Anthropic → OpenAI; docs/vendors.md, Moonshot Kimi: "unknown fields are
/// silently ignored"). The foreign switch is translated
/// to the vendor's own, but only when the vendor's own is absent: an explicit native setting wins.
/// </summary>
internal static class ThinkingRules
{
    public static RuleResult? CheckAlwaysOn(ProviderProfile profile, string upstreamModel, ReadOnlySpan<byte> body, TopLevelObject request)
    {
        if (!profile.ThinkingAlwaysOn)
        {
            return null;
        }

        var thinking = request.IndexOf(body, "thinking");
        if (thinking >= 0 && ReadThinkingObject(body[request.Members[thinking].Value]).Type == "disabled")
        {
            return AlwaysOn("thinking", upstreamModel);
        }

        var enable = request.IndexOf(body, "enable_thinking");
        if (enable >= 0 && JsonValues.IsFalse(body[request.Members[enable].Value]))
        {
            return AlwaysOn("enable_thinking", upstreamModel);
        }

        var effort = request.IndexOf(body, "reasoning_effort");
        if (effort >= 0 && JsonValues.GetString(body[request.Members[effort].Value]) is "none" or "off")
        {
            return AlwaysOn("reasoning_effort", upstreamModel);
        }

        return null;
    }

    public static void Translate(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request, ObjectRewriter rewriter, bool stream)
    {
        var thinking = request.IndexOf(body, "thinking");
        var enable = request.IndexOf(body, "enable_thinking");
        var budget = request.IndexOf(body, "thinking_budget");
        var effort = request.IndexOf(body, "reasoning_effort");
        var (type, budgetTokens) = thinking >= 0 ? ReadThinkingObject(body[request.Members[thinking].Value]) : default;
        bool? enableValue = enable < 0 ? null
            : JsonValues.IsTrue(body[request.Members[enable].Value]) ? true
            : JsonValues.IsFalse(body[request.Members[enable].Value]) ? false : null;
        long? budgetValue = budget >= 0 && JsonValues.TryGetNumber(body[request.Members[budget].Value], out var b) ? (long)b : null;

        switch (profile.Thinking)
        {
            case ThinkingStyle.ThinkingObject when thinking < 0 && enableValue is { } on:
                rewriter.Remove(enable, "removed enable_thinking (translated to thinking)");
                RemoveBudget(rewriter, budget);
                rewriter.Add("thinking", on ? """{"type":"enabled"}"""u8.ToArray() : """{"type":"disabled"}"""u8.ToArray(), $"added thinking.type={(on ? "enabled" : "disabled")}");
                break;

            case ThinkingStyle.EnableThinking when enable < 0 && type is not null:
                var enabled = type != "disabled";
                rewriter.Remove(thinking, "removed thinking (translated to enable_thinking)");
                rewriter.Add("enable_thinking", Bool(enabled), $"added enable_thinking={Lower(enabled)}");
                if (enabled && budgetTokens is { } tokens && budget < 0)
                {
                    rewriter.Add("thinking_budget", Number(tokens), $"added thinking_budget={tokens}");
                }

                break;

            case ThinkingStyle.ReasoningEffort when effort < 0 && type is not null:
                rewriter.Remove(thinking, "removed thinking (translated to reasoning_effort)");
                AddEffort(rewriter, type == "disabled" ? "none" : EffortFromBudget(budgetTokens));
                break;

            case ThinkingStyle.ReasoningEffort when effort < 0 && enableValue is { } on:
                rewriter.Remove(enable, "removed enable_thinking (translated to reasoning_effort)");
                RemoveBudget(rewriter, budget);
                AddEffort(rewriter, on ? EffortFromBudget(budgetValue) : "none");
                break;
        }

        if (profile.NonStreamThinkingMustBeOff && !stream)
        {
            ForceOffForNonStream(rewriter, enable, enableValue, budget);
        }
    }

    // Qwen open weights: "parameter.enable_thinking must be set to false for non-streaming calls".
    private static void ForceOffForNonStream(ObjectRewriter rewriter, int enable, bool? enableValue, int budget)
    {
        const string Change = "enable_thinking forced false (non-stream call to an open-weights Qwen model)";
        if (enable >= 0 && !rewriter.IsRemoved(enable))
        {
            if (enableValue != false)
            {
                rewriter.Replace(enable, "enable_thinking", Bool(false), Change);
            }
        }
        else
        {
            rewriter.Add("enable_thinking", Bool(false), Change);
        }

        if (budget >= 0 && !rewriter.IsRemoved(budget))
        {
            RemoveBudget(rewriter, budget);
        }
    }

    /// <summary>
    /// docs/dialects.md, Anthropic → OpenAI: budget ≤ 4k → low, ≤ 16k → medium, else high; no budget → medium.
    /// </summary>
    private static string EffortFromBudget(long? budget) => budget switch
    {
        null => "medium",
        <= 4096 => "low",
        <= 16384 => "medium",
        _ => "high",
    };

    private static void AddEffort(ObjectRewriter rewriter, string effort) =>
        rewriter.Add("reasoning_effort", JsonValues.StringLiteral(effort), $"added reasoning_effort={effort}");

    private static void RemoveBudget(ObjectRewriter rewriter, int budget)
    {
        if (budget >= 0)
        {
            rewriter.Remove(budget, "removed thinking_budget");
        }
    }

    private static RuleResult AlwaysOn(string field, string model) =>
        RuleResult.Rejected(field, $"{model} always thinks; thinking cannot be disabled for this model (remove '{field}').");

    /// <summary>Reads <c>{"type": "...", "budget_tokens": N}</c>; default when the value is not such an object.</summary>
    private static (string? Type, long? BudgetTokens) ReadThinkingObject(ReadOnlySpan<byte> raw)
    {
        var reader = new Utf8JsonReader(raw);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        string? type = null;
        long? budget = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                type = reader.GetString();
            }
            else if (reader.ValueTextEquals("budget_tokens"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var tokens))
            {
                budget = tokens;
            }
            else
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    reader.Read();
                }

                reader.Skip();
            }
        }

        return (type, budget);
    }

    private static byte[] Bool(bool value) => value ? "true"u8.ToArray() : "false"u8.ToArray();

    private static string Lower(bool value) => value ? "true" : "false";

    private static byte[] Number(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
