using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Start-up check: for every policy keys use and every model alias, is there at least one
/// deployment the policy admits? A pair with none would fail every request at run time, so it is
/// reported as a config error naming both.
/// </summary>
public static class PrivacyPolicyValidator
{
    public static IReadOnlyList<PolicyViolation> Validate(
        PrivacyPolicySet policies,
        IEnumerable<string> keyPolicyNames,
        IReadOnlyList<ModelAliasConfig> models)
    {
        var violations = new List<PolicyViolation>();
        foreach (var name in keyPolicyNames.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
        {
            if (!policies.TryGet(name, out var policy))
            {
                violations.Add(new PolicyViolation(name, string.Empty, $"policies.{name}: a key uses privacy policy '{name}', which is not defined."));
                continue;
            }

            foreach (var model in models)
            {
                var admitted = false;
                var refusals = new List<string>();
                foreach (var deployment in model.Deployments)
                {
                    var refusal = policy.Refusal(deployment);
                    if (refusal is null)
                    {
                        admitted = true;
                        break;
                    }

                    refusals.Add($"{deployment.Id}: {refusal}");
                }

                if (!admitted)
                {
                    var detail = refusals.Count == 0 ? "it has no deployments" : string.Join("; ", refusals);
                    violations.Add(new PolicyViolation(
                        policy.Name,
                        model.Name,
                        $"policies.{policy.Name}: privacy policy '{policy.Name}' can never be satisfied for model '{model.Name}' ({detail}). Add a deployment the policy allows, or stop giving this policy to keys that use '{model.Name}'."));
                }
            }
        }

        return violations;
    }

    /// <summary>
    /// Throws one <see cref="ConfigException"/> naming every key policy that is not defined; returns
    /// the pairs that can never be satisfied, for the caller to report.
    /// </summary>
    public static IReadOnlyList<PolicyViolation> ThrowIfUndefined(PrivacyPolicySet policies, IEnumerable<string> keyPolicyNames, IReadOnlyList<ModelAliasConfig> models)
    {
        var violations = Validate(policies, keyPolicyNames, models);
        var undefined = violations.Where(v => v.IsUndefinedPolicy).ToList();
        if (undefined.Count > 0)
        {
            throw new ConfigException(string.Join(Environment.NewLine, undefined.Select(v => v.Message)));
        }

        return violations;
    }
}
