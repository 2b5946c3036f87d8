namespace Ciyuan.Core.Routing;

/// <summary>Randomness injected into strategies, so tests can seed it and get the same ranking every run.</summary>
public interface IRandomSource
{
    /// <summary>A number in [0, 1).</summary>
    double NextDouble();
}
