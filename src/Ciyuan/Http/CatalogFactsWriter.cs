using System.Text.Json;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Metering;

namespace Ciyuan.Http;

/// <summary>Catalog facts of a deployment as JSON fields (for <c>/v1/models</c> and <c>ciyuan models --json</c>).</summary>
internal static class CatalogFactsWriter
{
    public static void Write(Utf8JsonWriter json, CatalogModel? model, IPriceQuote? price)
    {
        if (model is not null)
        {
            WriteNumber(json, "context_window", model.ContextWindow);
            WriteNumber(json, "max_output_tokens", model.MaxOutput);
            WriteNumber(json, "params_total_b", model.ParamsTotalB);
            WriteNumber(json, "params_active_b", model.ParamsActiveB);
            WriteString(json, "family", model.Family);
            WriteString(json, "license", model.License);
            if (model.OpenWeights is { } open)
            {
                json.WriteBoolean("open_weights", open);
            }

            json.WriteStartArray("modalities");
            foreach (var modality in model.Modalities)
            {
                json.WriteStringValue(modality);
            }

            json.WriteEndArray();
            json.WriteString("catalog_source_date", model.SourceDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (price is null)
        {
            json.WriteNull("pricing");
            return;
        }

        json.WriteStartObject("pricing");
        json.WriteString("currency", price.Currency);
        json.WriteString("unit", "per_million_tokens");
        var tier = price switch
        {
            // The tier in force now for a short prompt: what a request sent now would pay.
            PriceSheet sheet => sheet.SelectTier(0, DateTimeOffset.UtcNow) is { } now ? (now.Input, now.CacheHit, now.CacheWrite, now.Output) : default,
            FlatPriceQuote flat => (flat.Price.Input, flat.Price.CacheHit, flat.Price.CacheWrite, flat.Price.Output),
            _ => default,
        };
        json.WriteNumber("input", tier.Input);
        WriteNumber(json, "cache_hit", tier.CacheHit);
        WriteNumber(json, "cache_write", tier.CacheWrite);
        json.WriteNumber("output", tier.Output);
        if (price is PriceSheet { Tiers.Count: > 1 })
        {
            json.WriteBoolean("tiered", true);
        }

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

    private static void WriteNumber(Utf8JsonWriter json, string name, decimal? value)
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

    private static void WriteString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
