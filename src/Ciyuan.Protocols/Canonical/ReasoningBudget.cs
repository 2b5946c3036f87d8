namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// Converts between Anthropic thinking budgets and effort words (docs/dialects.md, Anthropic → OpenAI:
/// ≤4k tokens low, ≤16k medium, else high), so both directions agree with each other.
/// </summary>
internal static class ReasoningBudget
{
    public static string EffortFor(int budgetTokens) => budgetTokens switch
    {
        <= 4096 => "low",
        <= 16384 => "medium",
        _ => "high",
    };

    /// <summary>The budget for an effort word; unknown words get the medium budget.</summary>
    public static int BudgetFor(string? effort) => effort switch
    {
        "minimal" => 1024,
        "low" => 4096,
        "high" => 32768,
        "xhigh" or "max" => 65536,
        _ => 16384,
    };

    /// <summary>Effort words that mean "do not think".</summary>
    public static bool IsOff(string? effort) => effort is "none";
}
