using Ciyuan.Core.Canonical;
using Ciyuan.Core.Providers;

namespace Ciyuan.Core.Routing;

/// <summary>
/// The ranked deployments for one request, drawn only from its <see cref="EligibleDeployments"/>.
/// Hand it to <see cref="AttemptSequence"/>, which is the only thing that should start calls.
/// </summary>
public sealed class RoutePlan
{
    private readonly DeploymentState[] _ranked;

    internal RoutePlan(
        AliasRoute alias,
        EligibleDeployments eligible,
        DeploymentState[] ranked,
        ulong affinityKey,
        DeploymentState? affine,
        DateTimeOffset createdAt,
        Dialect door = Dialect.OpenAI)
    {
        Door = door;
        Alias = alias;
        Eligible = eligible;
        _ranked = ranked;
        AffinityKey = affinityKey;
        Affine = affine;
        CreatedAt = createdAt;
        Deadline = createdAt + alias.Options.TotalTimeout;
    }

    public AliasRoute Alias { get; }

    /// <summary>The front door of the request: which endpoint of each deployment its calls use.</summary>
    public Dialect Door { get; }

    /// <summary>The endpoint a call to <paramref name="deployment"/> goes through for this request.</summary>
    public UpstreamEndpoint EndpointOf(DeploymentState deployment) => ProviderEndpoints.For(deployment.Config.Provider, Door);

    /// <summary>The policy-filtered (and fit-narrowed) set the ranking came from.</summary>
    public EligibleDeployments Eligible { get; }

    /// <summary>Best first; only deployments available when the plan was made.</summary>
    public ReadOnlySpan<DeploymentState> Ranked => _ranked;

    public ulong AffinityKey { get; }

    /// <summary>The deployment the prompt-cache affinity key mapped to, if any.</summary>
    public DeploymentState? Affine { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>No attempt starts at or after this time.</summary>
    public DateTimeOffset Deadline { get; }

    public int MaxAttempts => Alias.Options.MaxAttempts;
}
