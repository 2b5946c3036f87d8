namespace Ciyuan.Core.Routing;

/// <summary>One deployment in a <see cref="RouteExplanation"/>: its rank (1 = first) or why it was left out.</summary>
public sealed record CandidateExplanation(
    string DeploymentId,
    string Provider,
    string Jurisdiction,
    CandidateStatus Status,
    int? Rank,
    string Reason);
