using System.Collections.Frozen;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Routing;

/// <summary>
/// A named privacy policy: hard constraints on where a request may go. A deployment is admitted
/// only when every constraint holds. Provider lists match a provider's config name or its kind,
/// so <c>excluded_providers: [deepseek]</c> also covers a second DeepSeek account.
/// Comparisons ignore case.
/// </summary>
public sealed record PrivacyPolicy
{
    public required string Name { get; init; }

    /// <summary>Jurisdictions (<c>cn</c>, <c>us</c>, <c>self-hosted</c>…) a deployment may be in; null allows any.</summary>
    public FrozenSet<string>? AllowedJurisdictions { get; init; }

    /// <summary>Only deployments on servers the team runs itself.</summary>
    public bool SelfHostedOnly { get; init; }

    /// <summary>Providers (name or kind) never used.</summary>
    public FrozenSet<string> ExcludedProviders { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Providers (name or kind) that may be used; null allows any.</summary>
    public FrozenSet<string>? AllowedProviders { get; init; }

    /// <summary>No constraint at all: what a key without a policy gets.</summary>
    public static PrivacyPolicy Unrestricted { get; } = new() { Name = "unrestricted" };

    /// <summary>The built-in <c>local-only</c> policy: self-hosted deployments only.</summary>
    public static PrivacyPolicy LocalOnly { get; } = new() { Name = "local-only", SelfHostedOnly = true };

    /// <summary>Builds a policy with case-insensitive sets from plain lists (null = no constraint).</summary>
    public static PrivacyPolicy Create(
        string name,
        IEnumerable<string>? allowedJurisdictions = null,
        bool selfHostedOnly = false,
        IEnumerable<string>? excludedProviders = null,
        IEnumerable<string>? allowedProviders = null) => new()
        {
            Name = name,
            AllowedJurisdictions = allowedJurisdictions?.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            SelfHostedOnly = selfHostedOnly,
            ExcludedProviders = (excludedProviders ?? []).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            AllowedProviders = allowedProviders?.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
        };

    /// <summary>True when the policy lets a request reach <paramref name="deployment"/>.</summary>
    public bool Admits(DeploymentConfig deployment) => Refusal(deployment) is null;

    /// <summary>Why the policy refuses <paramref name="deployment"/>, or null when it admits it.</summary>
    public string? Refusal(DeploymentConfig deployment)
    {
        var provider = deployment.Provider;
        if (SelfHostedOnly && !provider.IsSelfHosted)
        {
            return $"policy '{Name}' allows only self-hosted deployments; provider '{provider.Name}' is in jurisdiction '{provider.Jurisdiction}'";
        }

        if (AllowedJurisdictions is not null && !AllowedJurisdictions.Contains(provider.Jurisdiction))
        {
            return $"policy '{Name}' does not allow jurisdiction '{provider.Jurisdiction}' (allowed: {Join(AllowedJurisdictions)})";
        }

        if (ExcludedProviders.Contains(provider.Name) || ExcludedProviders.Contains(provider.Kind))
        {
            return $"policy '{Name}' excludes provider '{provider.Name}' ({provider.Kind})";
        }

        if (AllowedProviders is not null && !AllowedProviders.Contains(provider.Name) && !AllowedProviders.Contains(provider.Kind))
        {
            return $"policy '{Name}' does not allow provider '{provider.Name}' ({provider.Kind}); allowed: {Join(AllowedProviders)}";
        }

        return null;
    }

    /// <summary>
    /// This policy narrowed by <paramref name="request"/> (a request's <c>X-Ciyuan-Policy</c>):
    /// the result admits a deployment only if both admit it, so a request can tighten its key's
    /// policy but never widen it.
    /// </summary>
    public PrivacyPolicy Tighten(PrivacyPolicy request)
    {
        if (ReferenceEquals(this, request))
        {
            return this;
        }

        return new PrivacyPolicy
        {
            Name = $"{Name}+{request.Name}",
            AllowedJurisdictions = Intersect(AllowedJurisdictions, request.AllowedJurisdictions),
            SelfHostedOnly = SelfHostedOnly || request.SelfHostedOnly,
            ExcludedProviders = ExcludedProviders.Union(request.ExcludedProviders, StringComparer.OrdinalIgnoreCase)
                .ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            AllowedProviders = Intersect(AllowedProviders, request.AllowedProviders),
        };
    }

    private static FrozenSet<string>? Intersect(FrozenSet<string>? left, FrozenSet<string>? right)
    {
        if (left is null)
        {
            return right;
        }

        if (right is null)
        {
            return left;
        }

        return left.Where(right.Contains).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    private static string Join(IEnumerable<string> values) =>
        values.Any() ? string.Join(", ", values.Order(StringComparer.Ordinal)) : "none";
}
