namespace Ciyuan.Providers.Profiles;

/// <summary>What <see cref="RequestRules.Apply"/> decided. Rejections name the offending field so the client can fix it.</summary>
public sealed class RuleResult
{
    private RuleResult(RuleOutcome outcome, byte[]? body, IReadOnlyList<string> changes, string? field, string? message)
    {
        Outcome = outcome;
        Body = body;
        Changes = changes;
        Field = field;
        Message = message;
    }

    /// <summary>Shared instance: the fast path allocates nothing.</summary>
    public static RuleResult Unchanged { get; } = new(RuleOutcome.Unchanged, null, [], null, null);

    public RuleOutcome Outcome { get; }

    /// <summary>The rewritten body (only for <see cref="RuleOutcome.Rewritten"/>).</summary>
    public byte[]? Body { get; }

    /// <summary>One human-readable line per change, for logs and tests.</summary>
    public IReadOnlyList<string> Changes { get; }

    /// <summary>The request field a rejection is about.</summary>
    public string? Field { get; }

    public string? Message { get; }

    public static RuleResult Rewritten(byte[] body, IReadOnlyList<string> changes) => new(RuleOutcome.Rewritten, body, changes, null, null);

    public static RuleResult Rejected(string field, string message) => new(RuleOutcome.Rejected, null, [], field, message);
}
