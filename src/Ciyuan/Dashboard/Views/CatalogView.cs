using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Catalog;
using Ciyuan.Gateway.State;

namespace Ciyuan.Dashboard.Views;

/// <summary>The built-in catalog: every model with its prices (per million tokens, by tier), facts and source date, and which are configured here.</summary>
internal sealed class CatalogView(LiveConfig live)
{
    private readonly PerGeneration<byte[]> _json = new(live, snapshot => Build(snapshot.State));

    public byte[] Json => _json.Value;

    private static byte[] Build(GatewayState state)
    {
        var catalog = state.Catalog;
        var configured = state.CatalogModels.Values.Select(m => (m.ProviderId, m.Id)).ToHashSet();
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("as_of", catalog.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartArray("data");
            foreach (var model in catalog.Models)
            {
                var provider = catalog.FindProviderById(model.ProviderId);
                json.WriteStartObject();
                json.WriteString("id", $"{model.ProviderId}/{model.Id}");
                json.WriteString("provider", model.ProviderId);
                json.WriteString("provider_name", provider?.DisplayName ?? model.ProviderId);
                json.WriteString("model", model.Id);
                json.WriteString("name", model.DisplayName ?? model.Id);
                json.WriteString("jurisdiction", provider?.Jurisdiction);
                json.WriteString("family", model.Family);
                WriteNumber(json, "context", model.ContextWindow);
                WriteNumber(json, "max_output", model.MaxOutput);
                json.WriteString("license", model.License);
                if (model.OpenWeights is { } open)
                {
                    json.WriteBoolean("open_weights", open);
                }
                else
                {
                    json.WriteNull("open_weights");
                }

                json.WriteBoolean("configured", configured.Contains((model.ProviderId, model.Id)));
                WritePrice(json, model.Price);
                json.WriteString("source_date", (model.Price?.SourceDate ?? model.SourceDate).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WritePrice(Utf8JsonWriter json, PriceSheet? price)
    {
        if (price is null)
        {
            json.WriteNull("price");
            return;
        }

        json.WriteStartObject("price");
        json.WriteString("currency", price.Currency);
        json.WriteStartArray("tiers");
        foreach (var tier in price.Tiers)
        {
            json.WriteStartObject();
            json.WriteNumber("input", tier.Input);
            WriteDecimal(json, "cache_hit", tier.CacheHit);
            WriteDecimal(json, "cache_write", tier.CacheWrite);
            json.WriteNumber("output", tier.Output);
            WriteNumber(json, "max_input_tokens", tier.MaxInputTokens);
            json.WriteBoolean("time_of_day", tier.WindowsUtc.Count > 0);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteDecimal(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
