using System.Globalization;
using System.Text;

namespace Ciyuan.Core.Routing;

/// <summary>
/// What the router would do with a request and why, without sending anything: every candidate in
/// order — ranked ones first, then the excluded ones with the reason. Printed by <c>ciyuan route explain</c>.
/// </summary>
public sealed record RouteExplanation
{
    public required string Alias { get; init; }

    public string? Strategy { get; init; }

    /// <summary>The effective privacy policy (key policy tightened by the request's), when one was resolved.</summary>
    public string? Policy { get; init; }

    public string? AffineDeploymentId { get; init; }

    public IReadOnlyList<CandidateExplanation> Candidates { get; init; } = [];

    public RouteErrorKind Outcome { get; init; }

    /// <summary>The error message when routing found nothing to try.</summary>
    public string? Message { get; init; }

    /// <summary>A plain-text table for the terminal.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"model {Alias}");
        if (Strategy is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" · strategy {Strategy}");
        }

        if (Policy is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" · policy {Policy}");
        }

        if (AffineDeploymentId is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" · prompt-cache affinity → {AffineDeploymentId}");
        }

        text.AppendLine();
        foreach (var candidate in Candidates)
        {
            var position = candidate.Rank is { } rank ? rank.ToString(CultureInfo.InvariantCulture) : "-";
            text.Append(CultureInfo.InvariantCulture, $"  {position,2}  {candidate.DeploymentId}  [{candidate.Jurisdiction}]  {Label(candidate.Status)}: {candidate.Reason}")
                .AppendLine();
        }

        if (Message is not null)
        {
            text.Append("  => ").AppendLine(Message);
        }

        return text.ToString();
    }

    private static string Label(CandidateStatus status) => status switch
    {
        CandidateStatus.Ranked => "ranked",
        CandidateStatus.ExcludedByPolicy => "excluded by policy",
        CandidateStatus.ExcludedByFit => "does not fit",
        CandidateStatus.CircuitOpen => "circuit open",
        CandidateStatus.RetryAfterHold => "held by Retry-After",
        _ => "saturated",
    };
}
