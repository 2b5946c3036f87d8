using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Routing;

/// <summary>Strategies by name, built once at start-up; lookups are frozen-dictionary reads.</summary>
public sealed class RoutingPolicyRegistry
{
    private readonly FrozenDictionary<string, IRoutingPolicy> _policies;

    public RoutingPolicyRegistry(IEnumerable<IRoutingPolicy> policies)
    {
        var map = new Dictionary<string, IRoutingPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var policy in policies)
        {
            if (!map.TryAdd(policy.Name, policy))
            {
                throw new ArgumentException($"Two routing strategies are named '{policy.Name}'.", nameof(policies));
            }
        }

        _policies = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<string> Names => _policies.Keys;

    /// <summary>The five built-in strategies.</summary>
    public static RoutingPolicyRegistry CreateDefault(CurrencyConverter? rates = null, IRandomSource? random = null)
    {
        random ??= SharedRandomSource.Instance;
        return new RoutingPolicyRegistry(
        [
            new OrderedRoutingPolicy(),
            new CheapestRoutingPolicy(rates ?? CurrencyConverter.Default),
            new FastestRoutingPolicy(),
            new WeightedRoutingPolicy(random),
            new LeastBusyRoutingPolicy(random),
        ]);
    }

    public bool TryGet(string name, [NotNullWhen(true)] out IRoutingPolicy? policy) => _policies.TryGetValue(name, out policy);

    /// <summary>The named strategy; the error lists the valid names, for config messages.</summary>
    public IRoutingPolicy Get(string name) =>
        TryGet(name, out var policy)
            ? policy
            : throw new KeyNotFoundException($"Unknown routing strategy '{name}'; use one of: {string.Join(", ", _policies.Keys.Order(StringComparer.Ordinal))}.");
}
