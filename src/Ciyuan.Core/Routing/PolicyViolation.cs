namespace Ciyuan.Core.Routing;

/// <summary>A (policy, model alias) pair no request can ever satisfy, found at start-up.</summary>
public sealed record PolicyViolation(string PolicyName, string Alias, string Message);
