namespace Ciyuan.Core.Configuration;

/// <summary>One API key of a provider's key pool, with its own concurrency limit (0 = unlimited). Never log <see cref="Secret"/>.</summary>
public sealed record ProviderKeyConfig(string Id, string Secret, int MaxInFlight)
{
    public override string ToString() => Id;
}
