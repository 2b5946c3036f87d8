using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Ciyuan.Core.Routing;

/// <summary>
/// The configured policies by name, plus the built-in <c>local-only</c> unless config defines its own.
/// </summary>
public sealed class PrivacyPolicySet
{
    private readonly FrozenDictionary<string, PrivacyPolicy> _policies;

    public PrivacyPolicySet(IEnumerable<PrivacyPolicy> policies)
    {
        var map = new Dictionary<string, PrivacyPolicy>(StringComparer.OrdinalIgnoreCase)
        {
            [PrivacyPolicy.LocalOnly.Name] = PrivacyPolicy.LocalOnly,
        };
        foreach (var policy in policies)
        {
            map[policy.Name] = policy;
        }

        _policies = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public static PrivacyPolicySet BuiltinOnly { get; } = new([]);

    public IReadOnlyCollection<string> Names => _policies.Keys;

    public bool TryGet(string name, [NotNullWhen(true)] out PrivacyPolicy? policy) => _policies.TryGetValue(name, out policy);

    /// <summary>
    /// The policy for a request: the key's policy (unrestricted when it has none) tightened by the
    /// request's <c>X-Ciyuan-Policy</c>. An unknown name is an error, never "no policy".
    /// </summary>
    public PolicyResolution Resolve(string? keyPolicy, string? requestPolicy)
    {
        var policy = PrivacyPolicy.Unrestricted;
        if (!string.IsNullOrEmpty(keyPolicy))
        {
            if (!TryGet(keyPolicy, out var keyRules))
            {
                return new PolicyResolution(null, $"The key's privacy policy '{keyPolicy}' is not defined; define it under 'policies' or change the key.");
            }

            policy = keyRules;
        }

        if (!string.IsNullOrEmpty(requestPolicy))
        {
            if (!TryGet(requestPolicy, out var requestRules))
            {
                return new PolicyResolution(null, $"X-Ciyuan-Policy names an unknown policy '{requestPolicy}'; use one of: {string.Join(", ", _policies.Keys.Order(StringComparer.Ordinal))}.");
            }

            policy = ReferenceEquals(policy, PrivacyPolicy.Unrestricted) ? requestRules : policy.Tighten(requestRules);
        }

        return new PolicyResolution(policy, null);
    }
}
