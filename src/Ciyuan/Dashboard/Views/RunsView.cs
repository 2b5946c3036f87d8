using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Http;

namespace Ciyuan.Dashboard.Views;

/// <summary>Agent runs (<c>X-Ciyuan-Run</c>): requests, tokens and cost per run from the daily rollups, the run budgets, and one run's timeline.</summary>
internal sealed class RunsView(IUsageReader reports, IUsageTimeline timeline, BudgetLines lines, IBudgetLedger budgets, RecordJson records, KeyNames keyNames, TimeProvider time)
{
    public const int TimelineLimit = 2_000;

    public async Task<byte[]> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await reports.SummarizeAsync(UsageGrouping.Run, new UsageQuery(), cancellationToken).ConfigureAwait(false);
        var statuses = await RunBudgetsAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var group in rows.Where(r => r.Group != "(none)").GroupBy(r => r.Group, StringComparer.Ordinal))
            {
                WriteRun(json, group.Key, group.ToArray(), statuses);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public async Task<byte[]> RunAsync(string runId, CancellationToken cancellationToken)
    {
        var rows = await reports.SummarizeAsync(UsageGrouping.Run, new UsageQuery { RunId = runId }, cancellationToken).ConfigureAwait(false);
        var requests = await timeline.ReadRunAsync(runId, TimelineLimit, cancellationToken).ConfigureAwait(false);
        var statuses = await RunBudgetsAsync(cancellationToken).ConfigureAwait(false);
        var names = await keyNames.LoadAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("run");
            WriteRun(json, runId, rows, statuses);
            json.WriteStartArray("requests");
            foreach (var record in requests.OrderBy(r => r.CreatedAt))
            {
                records.Write(json, record, names);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task<IReadOnlyList<BudgetStatus>> RunBudgetsAsync(CancellationToken cancellationToken) =>
        await budgets.StatusAsync(lines.All.Where(l => l.Scope == BudgetScopeKind.Run).ToArray(), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

    private static void WriteRun(Utf8JsonWriter json, string runId, IReadOnlyList<UsageSummaryRow> rows, IReadOnlyList<BudgetStatus> statuses)
    {
        var cost = new Money();
        foreach (var row in rows)
        {
            cost.Add(row.Currency, row.Cost.Value);
        }

        json.WriteStartObject();
        json.WriteString("run", runId);
        json.WriteNumber("requests", rows.Sum(r => r.Requests));
        json.WriteNumber("input_uncached", rows.Sum(r => r.InputUncached));
        json.WriteNumber("cache_read", rows.Sum(r => r.CacheRead));
        json.WriteNumber("cache_write", rows.Sum(r => r.CacheWrite));
        json.WriteNumber("output", rows.Sum(r => r.Output));
        json.WriteNumber("reasoning", rows.Sum(r => r.Reasoning));
        cost.Write(json, "cost");
        json.WriteStartArray("budgets");
        foreach (var status in statuses.Where(s => s.Line.Subject == runId))
        {
            BudgetJson.Write(json, status);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
