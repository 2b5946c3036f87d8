namespace Ciyuan.Core.Metering;

/// <summary>The currencies prices and budgets are kept in (ISO 4217 codes).</summary>
public static class Currencies
{
    public const string Usd = "USD";

    public const string Cny = "CNY";
}
