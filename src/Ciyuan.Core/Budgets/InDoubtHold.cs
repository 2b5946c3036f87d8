using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>
/// A hold whose request was in flight when its gateway instance died: it may have reached the
/// upstream and been billed there, so it counts as spent at the held amount until an operator
/// releases it.
/// </summary>
public sealed record InDoubtHold
{
    public required string RequestId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string KeyId { get; init; }

    public string? Project { get; init; }

    public string? RunId { get; init; }

    public required string Model { get; init; }

    /// <summary>The provider and deployment of the request's last attempt.</summary>
    public required string Provider { get; init; }

    public required string Deployment { get; init; }

    public required MicroUnits HeldUsd { get; init; }

    /// <summary>When an operator released it (then it no longer counts as spent), otherwise null.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }
}
