namespace Ciyuan.Core.Metering;

/// <summary>
/// Converts between the two currencies prices and budgets come in, at the configured rate
/// (<c>routing.cny_to_usd</c>; configured, not fetched: neither routing nor settling does I/O).
/// Money in micro-units rounds up — a charge converted for a cap is never smaller than it was;
/// routing's comparisons use doubles.
/// </summary>
public sealed class CurrencyConverter
{
    private readonly double _usdPerCny;

    public CurrencyConverter(decimal usdPerCny)
    {
        UsdPerCny = usdPerCny > 0 ? usdPerCny : throw new ArgumentOutOfRangeException(nameof(usdPerCny), "the exchange rate must be positive");
        _usdPerCny = (double)usdPerCny;
    }

    /// <summary>A round rate for when none is configured (about 7.2 CNY per USD in 2026).</summary>
    public static CurrencyConverter Default { get; } = new(0.14m);

    public decimal UsdPerCny { get; }

    public MicroUnits Convert(MicroUnits amount, string from, string to)
    {
        if (string.Equals(from, to, StringComparison.Ordinal) || amount.Value == 0)
        {
            return amount;
        }

        decimal value = amount.Value;
        var converted = (from, to) switch
        {
            (Currencies.Cny, Currencies.Usd) => value * UsdPerCny,
            (Currencies.Usd, Currencies.Cny) => value / UsdPerCny,
            _ => throw new ArgumentException($"cannot convert {from} to {to}: only USD and CNY are known"),
        };
        return new MicroUnits((long)decimal.Ceiling(converted));
    }

    /// <summary>An amount in <paramref name="currency"/> in USD, for comparing prices; NaN for a currency without a rate.</summary>
    public double ToUsd(double amount, string currency)
    {
        if (string.Equals(currency, Currencies.Usd, StringComparison.OrdinalIgnoreCase))
        {
            return amount;
        }

        return string.Equals(currency, Currencies.Cny, StringComparison.OrdinalIgnoreCase) ? amount * _usdPerCny : double.NaN;
    }
}
