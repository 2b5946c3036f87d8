using System.CommandLine;
using System.Text.Json;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Setup;
using Ciyuan.Http;

namespace Ciyuan.Commands;

/// <summary>
/// <c>ciyuan usage [--by key|project|run|model|provider|day] [--key ID] [--project NAME] [--run ID] [--model M] [--provider P] [--from DAY] [--to DAY] [--in-doubt] [--suspect] [--json|--csv]</c>
/// and <c>ciyuan usage release REQUEST_ID</c>. With <c>--run</c> the report also lists the run's
/// requests; with <c>--suspect</c>, the requests whose reported usage was suspect; with
/// <c>--in-doubt</c>, the requests that were in flight when an instance died.
/// </summary>
internal static class UsageCommand
{
    public static Command Create()
    {
        var by = new Option<string>("--by") { Description = $"Group by: {UsageGroupings.Names}", DefaultValueFactory = _ => "model" };
        var key = new Option<string?>("--key") { Description = "Only this key id" };
        var project = new Option<string?>("--project") { Description = "Only this project" };
        var run = new Option<string?>("--run") { Description = "Only this run (X-Ciyuan-Run); also lists its requests" };
        var model = new Option<string?>("--model") { Description = "Only this model (alias)" };
        var provider = new Option<string?>("--provider") { Description = "Only this provider" };
        var from = new Option<DateOnly?>("--from") { Description = "First UTC day included (yyyy-MM-dd)" };
        var to = new Option<DateOnly?>("--to") { Description = "Last UTC day included (yyyy-MM-dd)" };
        var inDoubt = new Option<bool>("--in-doubt") { Description = "List requests in doubt (in flight when an instance died) instead" };
        var suspect = new Option<bool>("--suspect") { Description = "Also list requests whose reported usage was suspect (counted within the request's limits)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV" };
        var command = new Command("usage", "Report tokens and cost from the ledger") { by, key, project, run, model, provider, from, to, inDoubt, suspect, json, csv };
        command.Subcommands.Add(Release());
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!UsageGroupings.TryParse(parse.GetValue(by)!, out var grouping))
            {
                await Console.Error.WriteLineAsync($"--by must be one of: {UsageGroupings.Names}").ConfigureAwait(false);
                return 2;
            }

            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            await using var store = await StoreFactory.OpenAsync(paths, CiyuanConfigSource.Load(paths), cancellationToken).ConfigureAwait(false);
            var format = parse.GetValue(json) ? "json" : parse.GetValue(csv) ? "csv" : "table";
            if (parse.GetValue(inDoubt))
            {
                var holds = await store.BudgetLedger.ListInDoubtAsync(cancellationToken).ConfigureAwait(false);
                Print(format, w =>
                {
                    w.WriteStartObject();
                    LedgerListWriter.WriteInDoubt(w, holds);
                    w.WriteEndObject();
                }, () => LedgerListWriter.InDoubtCsv(holds), () => LedgerListWriter.InDoubtTable(holds));
                return 0;
            }

            var query = new UsageQuery(KeyId: parse.GetValue(key), Limit: 100_000)
            {
                Project = parse.GetValue(project),
                RunId = parse.GetValue(run),
                Model = parse.GetValue(model),
                Provider = parse.GetValue(provider),
                FromDay = parse.GetValue(from),
                ToDay = parse.GetValue(to),
            };
            var rows = await store.Reports.SummarizeAsync(grouping, query, cancellationToken).ConfigureAwait(false);
            var suspectOnly = parse.GetValue(suspect);
            var requests = query.RunId is null && !suspectOnly
                ? null
                : await store.Reports.ListAsync(query with { SuspectOnly = suspectOnly }, cancellationToken).ConfigureAwait(false);
            Print(format,
                w => UsageReportWriter.WriteJson(w, parse.GetValue(by)!, rows, requests),
                () => UsageReportWriter.ToCsv(rows) + (requests is null ? "" : "\n" + LedgerListWriter.RequestsCsv(requests)),
                () => UsageReportWriter.ToTable(rows) + (requests is null ? "" : "\n" + LedgerListWriter.RequestsTable(requests)));
            return 0;
        });
        return command;
    }

    private static Command Release()
    {
        var id = new Argument<string>("request-id") { Description = "The in-doubt request to release (it then counts as costing nothing)" };
        var command = new Command("release", "Release an in-doubt request: its held amount stops counting as spent") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            await using var store = await StoreFactory.OpenAsync(paths, CiyuanConfigSource.Load(paths), cancellationToken).ConfigureAwait(false);
            if (!await store.BudgetLedger.ReleaseInDoubtAsync(parse.GetValue(id)!, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"No unreleased in-doubt request has the id '{parse.GetValue(id)}'. `ciyuan usage --in-doubt` lists them.").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine($"Released {parse.GetValue(id)}: its hold no longer counts as spent (a running gateway notices at its next start).");
            return 0;
        });
        return command;
    }

    private static void Print(string format, Action<Utf8JsonWriter> json, Func<string> csv, Func<string> table)
    {
        if (format == "json")
        {
            using var stdout = Console.OpenStandardOutput();
            using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                json(writer);
            }

            Console.WriteLine();
        }
        else
        {
            Console.Write(format == "csv" ? csv() : table());
        }
    }
}
