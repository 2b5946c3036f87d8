using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Dashboard.Views;

/// <summary>Sums of quarter-hour rollup rows: requests, errors, the five token buckets, cost and what the cache saved.</summary>
internal sealed class SeriesTotals
{
    public long Requests { get; private set; }

    public long Errors { get; private set; }

    public long InputUncached { get; private set; }

    public long CacheRead { get; private set; }

    public long CacheWrite { get; private set; }

    public long Output { get; private set; }

    public long Reasoning { get; private set; }

    public long EstimatedRequests { get; private set; }

    public long UnpricedRequests { get; private set; }

    public Money Cost { get; } = new();

    public Money CacheSaved { get; } = new();

    /// <summary>Every token the upstreams were sent or returned (prompt buckets plus output; reasoning is inside output).</summary>
    public long Tokens => InputUncached + CacheRead + CacheWrite + Output;

    public void Add(UsageSeriesRow row, CacheSavings savings)
    {
        Requests += row.Requests;
        Errors += row.Errors;
        InputUncached += row.Usage.InputUncached;
        CacheRead += row.Usage.CacheRead;
        CacheWrite += row.Usage.CacheWrite;
        Output += row.Usage.Output;
        Reasoning += row.Usage.Reasoning;
        EstimatedRequests += row.EstimatedRequests;
        UnpricedRequests += row.UnpricedRequests;
        Cost.Add(row.Currency, row.Cost.Value);
        if (savings.Of(row) is { } saved)
        {
            CacheSaved.Add(saved.Currency, saved.Micros);
        }
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteNumber("requests", Requests);
        json.WriteNumber("errors", Errors);
        json.WriteNumber("error_rate", Requests == 0 ? 0 : (double)Errors / Requests);
        json.WriteStartObject("tokens");
        json.WriteNumber("input_uncached", InputUncached);
        json.WriteNumber("cache_read", CacheRead);
        json.WriteNumber("cache_write", CacheWrite);
        json.WriteNumber("output", Output);
        json.WriteNumber("reasoning", Reasoning);
        json.WriteNumber("total", Tokens);
        json.WriteEndObject();
        var prompt = InputUncached + CacheRead + CacheWrite;
        json.WriteNumber("cache_hit_ratio", prompt == 0 ? 0 : (double)CacheRead / prompt);
        Cost.Write(json, "cost");
        CacheSaved.Write(json, "cache_saved");
        json.WriteNumber("estimated_requests", EstimatedRequests);
        json.WriteNumber("unpriced_requests", UnpricedRequests);
    }
}
