namespace Ciyuan.Core.Routing;

/// <summary>
/// The deployments a request's privacy policy admits — the only set the router ranks and the
/// dispatcher tries. It can only be made by <see cref="Filter"/> (the hard policy filter) and only
/// narrowed afterwards, so no fallback or retry path can reach a deployment the policy refuses.
/// </summary>
public sealed class EligibleDeployments
{
    private readonly DeploymentState[] _items;

    private EligibleDeployments(PrivacyPolicy policy, DeploymentState[] items)
    {
        Policy = policy;
        _items = items;
    }

    public PrivacyPolicy Policy { get; }

    public int Count => _items.Length;

    public bool IsEmpty => _items.Length == 0;

    public DeploymentState this[int index] => _items[index];

    public ReadOnlySpan<DeploymentState> AsSpan() => _items;

    /// <summary>Keeps the candidates <paramref name="policy"/> admits, in their configured order.</summary>
    public static EligibleDeployments Filter(PrivacyPolicy policy, ReadOnlySpan<DeploymentState> candidates)
    {
        var kept = new List<DeploymentState>(candidates.Length);
        foreach (var candidate in candidates)
        {
            if (policy.Admits(candidate.Config))
            {
                kept.Add(candidate);
            }
        }

        return new EligibleDeployments(policy, [.. kept]);
    }

    public bool Contains(DeploymentState deployment) => Array.IndexOf(_items, deployment) >= 0;

    /// <summary>A subset (never a superset): the members <paramref name="keep"/> accepts.</summary>
    internal EligibleDeployments Narrow<TState>(TState state, Func<DeploymentState, TState, bool> keep)
    {
        var kept = new List<DeploymentState>(_items.Length);
        foreach (var item in _items)
        {
            if (keep(item, state))
            {
                kept.Add(item);
            }
        }

        return kept.Count == _items.Length ? this : new EligibleDeployments(Policy, [.. kept]);
    }
}
