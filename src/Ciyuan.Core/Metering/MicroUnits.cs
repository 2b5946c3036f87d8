using System.Globalization;

namespace Ciyuan.Core.Metering;

/// <summary>
/// Money as a whole number of millionths of a currency unit (1 USD = 1,000,000).
/// Integers keep ledger sums exact and map to SQLite's INTEGER, which has no decimal type.
/// </summary>
public readonly record struct MicroUnits(long Value) : IComparable<MicroUnits>
{
    public const long PerUnit = 1_000_000;

    public static MicroUnits Zero => default;

    public static MicroUnits FromDecimal(decimal amount) =>
        new((long)decimal.Round(amount * PerUnit, 0, MidpointRounding.AwayFromZero));

    public decimal ToDecimal() => (decimal)Value / PerUnit;

    public static MicroUnits operator +(MicroUnits left, MicroUnits right) => new(checked(left.Value + right.Value));

    public static MicroUnits operator -(MicroUnits left, MicroUnits right) => new(checked(left.Value - right.Value));

    public static bool operator <(MicroUnits left, MicroUnits right) => left.Value < right.Value;

    public static bool operator >(MicroUnits left, MicroUnits right) => left.Value > right.Value;

    public static bool operator <=(MicroUnits left, MicroUnits right) => left.Value <= right.Value;

    public static bool operator >=(MicroUnits left, MicroUnits right) => left.Value >= right.Value;

    public int CompareTo(MicroUnits other) => Value.CompareTo(other.Value);

    public MicroUnits Add(MicroUnits other) => this + other;

    public MicroUnits Subtract(MicroUnits other) => this - other;

    /// <summary>Formats as a plain decimal with six places, e.g. "0.000123".</summary>
    public override string ToString() => ToDecimal().ToString("0.000000", CultureInfo.InvariantCulture);
}
