namespace Ciyuan.Core.Routing;

/// <summary>The production source: <see cref="Random.Shared"/>, which is thread-safe.</summary>
public sealed class SharedRandomSource : IRandomSource
{
    public static SharedRandomSource Instance { get; } = new();

    public double NextDouble() => Random.Shared.NextDouble();
}
