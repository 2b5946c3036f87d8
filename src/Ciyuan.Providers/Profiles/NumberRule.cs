namespace Ciyuan.Providers.Profiles;

/// <summary>
/// The range a vendor accepts for a numeric parameter. Out-of-range values are either clamped
/// (when the vendor documents a narrower range that loses nothing meaningful, e.g. GLM's
/// temperature ≤ 1) or rejected (when the value has no sensible neighbour, e.g. MiniMax's 0).
/// </summary>
public sealed record NumberRule(double Min, bool MinExclusive, double Max, bool Clamp)
{
    public bool Contains(double value) => (MinExclusive ? value > Min : value >= Min) && value <= Max;

    /// <summary>Nearest accepted value; only meaningful for inclusive bounds.</summary>
    public double ClampValue(double value) => Math.Min(Max, Math.Max(Min, value));

    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(MinExclusive ? "(" : "[")}{Min}, {Max}]");
}
