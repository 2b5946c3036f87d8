namespace Ciyuan.Core.Configuration;

/// <summary>
/// A deployment's price per million tokens. <see cref="CacheHit"/> and <see cref="CacheWrite"/>
/// default to <see cref="Input"/> when unknown, which never under-charges.
/// </summary>
public sealed record PriceConfig(decimal Input, decimal Output, decimal? CacheHit, decimal? CacheWrite, string Currency);
