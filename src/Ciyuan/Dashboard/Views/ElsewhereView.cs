using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.State;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// What the same tokens would have cost elsewhere: a window's five token buckets (from the
/// rollups) priced at catalog models the operator picks, beside what was paid. A catalog price is
/// taken at its shortest prompt band and at the current time of day; the buckets keep their cache
/// split, so a model with cheap cache hits is credited for them.
/// </summary>
internal sealed class ElsewhereView(IUsageTimeline timeline, DashboardClock clock, LiveConfig live)
{
    public static readonly string[] Windows = ["today", "month", "7d", "30d"];

    public async Task<byte[]> BuildAsync(string window, IReadOnlyList<string> modelIds, CancellationToken cancellationToken)
    {
        var now = clock.Now;
        var from = window switch
        {
            "today" => clock.StartOfDay(now),
            "month" => clock.StartOfMonth(now),
            "7d" => clock.DayStarts(7)[0],
            _ => clock.DayStarts(30)[0],
        };
        var rows = await timeline.ReadSeriesAsync(from, now.AddMinutes(15), cancellationToken).ConfigureAwait(false);
        long uncached = 0, cacheRead = 0, cacheWrite = 0, output = 0, reasoning = 0, requests = 0;
        var paid = new Money();
        foreach (var row in rows)
        {
            requests += row.Requests;
            uncached += row.Usage.InputUncached;
            cacheRead += row.Usage.CacheRead;
            cacheWrite += row.Usage.CacheWrite;
            output += row.Usage.Output;
            reasoning += row.Usage.Reasoning;
            paid.Add(row.Currency, row.Cost.Value);
        }

        var usage = new TokenUsage(uncached, cacheRead, cacheWrite, output, reasoning);
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("window", window);
            json.WriteString("from", from);
            json.WriteNumber("requests", requests);
            json.WriteStartObject("tokens");
            json.WriteNumber("input_uncached", uncached);
            json.WriteNumber("cache_read", cacheRead);
            json.WriteNumber("cache_write", cacheWrite);
            json.WriteNumber("output", output);
            json.WriteNumber("reasoning", reasoning);
            json.WriteEndObject();
            paid.Write(json, "paid");
            json.WriteNumber("paid_usd_micros", paid.UsdMicros(live.Current.Currency));
            json.WriteStartArray("alternatives");
            foreach (var id in modelIds)
            {
                WriteAlternative(json, id, usage, now);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteAlternative(Utf8JsonWriter json, string id, TokenUsage usage, DateTimeOffset now)
    {
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        var model = slash > 0 ? ModelCatalog.Builtin.FindModel(id[..slash], id[(slash + 1)..]) : null;
        json.WriteStartObject();
        json.WriteString("id", id);
        if (model?.Price is not { } price)
        {
            json.WriteString("error", model is null ? "not in the catalog" : "the catalog has no price for it");
            json.WriteEndObject();
            return;
        }

        var tier = price.SelectTier(0, now);
        var cost = PriceFormula.Cost(usage, tier.Input, tier.CacheHit, tier.CacheWrite, tier.Output);
        json.WriteString("name", model.DisplayName ?? model.Id);
        json.WriteString("currency", price.Currency);
        json.WriteNumber("micros", cost.Value);
        json.WriteString("amount", cost.ToString());
        json.WriteNumber("usd_micros", live.Current.Currency.Convert(cost, price.Currency, Currencies.Usd).Value);
        json.WriteString("source_date", (price.SourceDate ?? model.SourceDate).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }
}
