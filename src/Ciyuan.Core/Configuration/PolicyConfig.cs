namespace Ciyuan.Core.Configuration;

/// <summary>A named privacy policy from config (<c>policies:</c>); null lists mean "no constraint".</summary>
public sealed record PolicyConfig(
    string Name,
    IReadOnlyList<string>? AllowedJurisdictions,
    bool SelfHostedOnly,
    IReadOnlyList<string> ExcludedProviders,
    IReadOnlyList<string>? AllowedProviders);
