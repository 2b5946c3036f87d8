namespace Ciyuan.Providers.Profiles;

public enum RuleOutcome
{
    /// <summary>Nothing applies: forward the original bytes.</summary>
    Unchanged,

    /// <summary>The body was rewritten; <see cref="RuleResult.Changes"/> lists each change.</summary>
    Rewritten,

    /// <summary>The request cannot be sent to this upstream as asked; answer the client with a 400.</summary>
    Rejected,
}
