namespace Ciyuan.Core.Routing;

/// <summary>The policy a request runs under, or why none could be formed (an unknown name fails closed).</summary>
public readonly record struct PolicyResolution(PrivacyPolicy? Policy, string? Error)
{
    public bool Succeeded => Policy is not null;
}
