namespace Ciyuan.Core.Routing;

/// <summary>
/// Found at start-up: a key's policy that is not defined (<see cref="Alias"/> empty — every
/// request of the key would be refused, so the start fails), or a (policy, model alias) pair no
/// request can ever satisfy (a warning: a local-only key simply cannot use a hosted-only model).
/// </summary>
public sealed record PolicyViolation(string PolicyName, string Alias, string Message)
{
    /// <summary>The policy is not defined at all.</summary>
    public bool IsUndefinedPolicy => Alias.Length == 0;
}
