using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>
/// One cap: at most <see cref="Limit"/> (in <see cref="Currency"/>) per <see cref="Period"/> on one
/// scope, optionally only for one model. A project with a monthly cap and a tighter cap on one
/// model is two lines.
/// </summary>
public sealed record BudgetLine
{
    /// <summary>Stable id: <c>bud_…</c> for lines made through the admin API, <c>config:…</c> for config, <c>key:…</c> for <c>keys create --budget-usd</c>.</summary>
    public required string Id { get; init; }

    public required BudgetScopeKind Scope { get; init; }

    /// <summary>The project name, the key's id or name, or the run id.</summary>
    public required string Subject { get; init; }

    /// <summary>When set, the line counts only requests for this model name; otherwise all of the scope's requests.</summary>
    public string? Model { get; init; }

    public BudgetPeriod Period { get; init; } = BudgetPeriod.Total;

    public required MicroUnits Limit { get; init; }

    /// <summary><c>USD</c> or <c>CNY</c>.</summary>
    public required string Currency { get; init; }

    /// <summary>Where it was defined: <c>config</c>, <c>admin</c> or <c>key</c>.</summary>
    public required string Source { get; init; }

    /// <summary>True when a request of this target, for this model, counts against the line.</summary>
    public bool Covers(ChargeTarget target)
    {
        if (Model is not null && !string.Equals(Model, target.Model, StringComparison.Ordinal))
        {
            return false;
        }

        return Scope switch
        {
            BudgetScopeKind.Key => string.Equals(Subject, target.KeyId, StringComparison.Ordinal) || string.Equals(Subject, target.KeyName, StringComparison.Ordinal),
            BudgetScopeKind.Project => target.Project is not null && string.Equals(Subject, target.Project, StringComparison.Ordinal),
            BudgetScopeKind.Run => target.RunId is not null && string.Equals(Subject, target.RunId, StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>How the line is named in errors and reports, e.g. <c>run 'swarm-7' (total)</c> or <c>project 'research' for model 'deepseek-chat' (monthly)</c>.</summary>
    public string Describe()
    {
        var scope = Scope switch
        {
            BudgetScopeKind.Key => "key",
            BudgetScopeKind.Project => "project",
            _ => "run",
        };
        var model = Model is null ? "" : $" for model '{Model}'";
        return $"{scope} '{Subject}'{model} ({Period.ToString().ToLowerInvariant()})";
    }
}
