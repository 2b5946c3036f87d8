namespace Ciyuan.Core.Routing;

/// <summary>
/// Converts prices to USD so <c>cheapest</c> can compare a CNY-priced Chinese vendor with a
/// USD-priced one. The CNY rate is configured, not fetched: routing must not do I/O.
/// </summary>
public sealed class CurrencyRates
{
    public const string Usd = "USD";
    public const string Cny = "CNY";

    public CurrencyRates(decimal cnyToUsd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cnyToUsd, 0m);
        CnyToUsd = cnyToUsd;
        _cnyToUsd = (double)cnyToUsd;
    }

    private readonly double _cnyToUsd;

    /// <summary>A round rate for when none is configured (about 7.2 CNY per USD in 2026).</summary>
    public static CurrencyRates Default { get; } = new(0.14m);

    public decimal CnyToUsd { get; }

    /// <summary>Converts an amount in <paramref name="currency"/> to USD; NaN for a currency without a rate.</summary>
    public double ToUsd(double amount, string currency)
    {
        if (string.Equals(currency, Usd, StringComparison.OrdinalIgnoreCase))
        {
            return amount;
        }

        return string.Equals(currency, Cny, StringComparison.OrdinalIgnoreCase) ? amount * _cnyToUsd : double.NaN;
    }
}
