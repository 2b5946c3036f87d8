namespace Ciyuan.Protocols.Anthropic;

/// <summary>What an Anthropic-shaped error adds when an upstream failed: Ciyuan's code, the provider, and the vendor's own code.</summary>
public sealed record ProviderErrorFields(string Code, string Provider, string? ProviderCode);
