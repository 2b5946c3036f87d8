namespace Ciyuan.Core.Configuration;

/// <summary>Provider defaults when no catalog is available: everything must come from config.</summary>
public sealed class NoProviderDefaults : IProviderDefaults
{
    public static NoProviderDefaults Instance { get; } = new();

    public ProviderDefaults? Find(string kind, string? region) => null;

    public IReadOnlyList<string> ModelIds(string providerId) => [];
}
