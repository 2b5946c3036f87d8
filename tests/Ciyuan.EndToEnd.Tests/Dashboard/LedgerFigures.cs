using Ciyuan.Core.Metering;

namespace Ciyuan.EndToEnd.Tests.Dashboard;

/// <summary>What the dashboard must show, computed straight from the ledger's rows.</summary>
internal sealed record LedgerFigures(long Requests, long Errors, long InputUncached, long CacheRead, long CacheWrite, long Output, long Reasoning,
    IReadOnlyDictionary<string, long> CostByCurrency, IReadOnlyDictionary<string, long> CacheSavedByCurrency)
{
    public long Tokens => InputUncached + CacheRead + CacheWrite + Output;

    /// <summary>Sums of the records; cache savings at the given price differences (micro-units per token, exact in the test config).</summary>
    public static LedgerFigures Of(IEnumerable<UsageRecord> records, Func<UsageRecord, (string Currency, decimal PerToken)?> saving)
    {
        var list = records.ToList();
        var saved = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in list)
        {
            if (record.Usage.CacheRead > 0 && saving(record) is { } s)
            {
                saved[s.Currency] = saved.GetValueOrDefault(s.Currency) + (long)(record.Usage.CacheRead * s.PerToken);
            }
        }

        return new LedgerFigures(
            list.Count,
            list.Count(r => r.Status is not (RequestStatus.Ok or RequestStatus.ClientDisconnected)),
            list.Sum(r => r.Usage.InputUncached), list.Sum(r => r.Usage.CacheRead), list.Sum(r => r.Usage.CacheWrite),
            list.Sum(r => r.Usage.Output), list.Sum(r => r.Usage.Reasoning),
            list.GroupBy(r => r.Currency).ToDictionary(g => g.Key, g => g.Sum(r => r.Cost.Value), StringComparer.Ordinal),
            saved);
    }

    /// <summary>The nearest-rank percentile the dashboard uses.</summary>
    public static double? Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
    }
}
