using System.Globalization;
using System.Text.Json;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Http;

/// <summary>A run's requests and the in-doubt holds, as JSON, CSV or a text table (CLI and admin API share it).</summary>
internal static class LedgerListWriter
{
    private static readonly string[] RequestHeader =
        ["request_id", "at", "model", "provider", "status", "input", "cache_read", "output", "reasoning", "cost", "currency", "flags", "claimed"];

    private static readonly string[] InDoubtHeader = ["request_id", "at", "key", "project", "run", "model", "provider", "deployment", "held_usd", "released_at"];

    public static void WriteRequests(Utf8JsonWriter json, IReadOnlyList<UsageRecord> records)
    {
        json.WriteStartArray("requests");
        foreach (var record in records)
        {
            json.WriteStartObject();
            json.WriteString("request_id", record.RequestId);
            json.WriteString("at", record.CreatedAt);
            json.WriteString("model", record.ModelAlias);
            json.WriteString("provider", record.Provider);
            json.WriteString("deployment", record.Deployment);
            json.WriteString("status", record.Status);
            if (record.Error is { } error)
            {
                // Stored already masked: secrets never reach the ledger.
                json.WriteString("error", error);
            }

            json.WriteNumber("input_uncached", record.Usage.InputUncached);
            json.WriteNumber("cache_read", record.Usage.CacheRead);
            json.WriteNumber("cache_write", record.Usage.CacheWrite);
            json.WriteNumber("output", record.Usage.Output);
            json.WriteNumber("reasoning", record.Usage.Reasoning);
            json.WriteString("cost", record.Cost.ToString());
            json.WriteString("currency", record.Currency);
            json.WriteBoolean("usage_estimated", record.UsageEstimated);
            json.WriteBoolean("usage_suspect", record.UsageSuspect);
            FailedAttemptsJson.Write(json, record.FailedAttempts);
            if (record.ClaimedUsage is { } claimed)
            {
                json.WriteStartObject("claimed_usage");
                json.WriteNumber("input_uncached", claimed.InputUncached);
                json.WriteNumber("cache_read", claimed.CacheRead);
                json.WriteNumber("cache_write", claimed.CacheWrite);
                json.WriteNumber("output", claimed.Output);
                json.WriteNumber("reasoning", claimed.Reasoning);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    public static string RequestsTable(IReadOnlyList<UsageRecord> records) => TextTable.Render(RequestHeader, records.Select(RequestCells));

    public static string RequestsCsv(IReadOnlyList<UsageRecord> records) => TextTable.Csv(RequestHeader, records.Select(RequestCells));

    public static void WriteInDoubt(Utf8JsonWriter json, IReadOnlyList<InDoubtHold> holds)
    {
        json.WriteStartArray("in_doubt");
        foreach (var hold in holds)
        {
            BudgetJson.Write(json, hold);
        }

        json.WriteEndArray();
    }

    public static string InDoubtTable(IReadOnlyList<InDoubtHold> holds) => TextTable.Render(InDoubtHeader, holds.Select(InDoubtCells));

    public static string InDoubtCsv(IReadOnlyList<InDoubtHold> holds) => TextTable.Csv(InDoubtHeader, holds.Select(InDoubtCells));

    private static string[] RequestCells(UsageRecord r) =>
    [
        r.RequestId, Time(r.CreatedAt), r.ModelAlias, r.Provider, r.Status, Num(r.Usage.InputUncached), Num(r.Usage.CacheRead),
        Num(r.Usage.Output), Num(r.Usage.Reasoning), r.Cost.ToString(), r.Currency, Flags(r), Claimed(r.ClaimedUsage),
    ];

    private static string Flags(UsageRecord r) =>
        string.Join(' ', new[] { r.UsageEstimated ? "estimated" : null, r.UsageSuspect ? "suspect" : null, r.Unpriced ? "unpriced" : null }.OfType<string>());

    private static string Claimed(TokenUsage? claimed) => claimed is not { } c ? "" :
        $"in={Num(c.InputUncached)} cache_read={Num(c.CacheRead)} cache_write={Num(c.CacheWrite)} out={Num(c.Output)} reasoning={Num(c.Reasoning)}";

    private static string[] InDoubtCells(InDoubtHold h) =>
    [
        h.RequestId, Time(h.At), h.KeyId, h.Project ?? "", h.RunId ?? "", h.Model, h.Provider, h.Deployment, h.HeldUsd.ToString(),
        h.ReleasedAt is { } released ? Time(released) : "",
    ];

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
