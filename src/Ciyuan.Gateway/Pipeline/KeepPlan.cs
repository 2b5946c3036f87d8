namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// What keeping a request's answer takes, decided at recall: whose it is (<see cref="Core.Responses.ResponseOwners"/>),
/// the response it continued, and its own input items (JSON, ids not yet assigned).
/// </summary>
internal sealed record KeepPlan(string Owner, string? PreviousResponseId, IReadOnlyList<string> InputItems);
