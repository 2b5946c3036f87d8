using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// Amounts kept per currency, never mixed: a figure the dashboard shows in USD and CNY is two exact
/// sums, each equal to the ledger's. A converted total (at <c>routing.cny_to_usd</c>) is shown
/// only where a single number is needed, and is labelled as such.
/// </summary>
internal sealed class Money
{
    private readonly SortedDictionary<string, long> _micros = new(StringComparer.Ordinal);

    public void Add(string currency, long micros) => _micros[currency] = checked(_micros.GetValueOrDefault(currency) + micros);

    public void Add(Money other)
    {
        foreach (var (currency, micros) in other._micros)
        {
            Add(currency, micros);
        }
    }

    public long MicrosOf(string currency) => _micros.GetValueOrDefault(currency);

    /// <summary>Everything in USD micro-units, CNY converted at the configured rate (rounded against the spender, as budgets do).</summary>
    public long UsdMicros(CurrencyConverter converter) =>
        _micros.Sum(p => converter.Convert(new MicroUnits(p.Value), p.Key, Currencies.Usd).Value);

    /// <summary><c>[{"currency":"USD","micros":123,"amount":"0.000123"}, …]</c>, one entry per currency.</summary>
    public void Write(Utf8JsonWriter json, string name)
    {
        json.WriteStartArray(name);
        foreach (var (currency, micros) in _micros)
        {
            json.WriteStartObject();
            json.WriteString("currency", currency);
            json.WriteNumber("micros", micros);
            json.WriteString("amount", new MicroUnits(micros).ToString());
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
