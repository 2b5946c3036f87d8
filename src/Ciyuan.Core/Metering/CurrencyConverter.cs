namespace Ciyuan.Core.Metering;

/// <summary>
/// Converts between the two currencies prices and budgets come in, at the configured rate
/// (<c>routing.cny_to_usd</c>). Rounds up: a charge converted for a cap is never smaller than it was.
/// </summary>
public sealed class CurrencyConverter(decimal usdPerCny)
{
    public decimal UsdPerCny { get; } = usdPerCny > 0 ? usdPerCny : throw new ArgumentOutOfRangeException(nameof(usdPerCny), "the exchange rate must be positive");

    public MicroUnits Convert(MicroUnits amount, string from, string to)
    {
        if (string.Equals(from, to, StringComparison.Ordinal) || amount.Value == 0)
        {
            return amount;
        }

        decimal value = amount.Value;
        var converted = (from, to) switch
        {
            ("CNY", "USD") => value * UsdPerCny,
            ("USD", "CNY") => value / UsdPerCny,
            _ => throw new ArgumentException($"cannot convert {from} to {to}: only USD and CNY are known"),
        };
        return new MicroUnits((long)decimal.Ceiling(converted));
    }
}
