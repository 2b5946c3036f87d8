using System.CommandLine;
using System.Text.Json;
using Ciyuan.Core.Metering;
using Ciyuan.Hosting;
using Ciyuan.Http;

namespace Ciyuan.Commands;

/// <summary><c>ciyuan usage [--by key|model|provider|day] [--json|--csv]</c>.</summary>
internal static class UsageCommand
{
    public static Command Create()
    {
        var by = new Option<string>("--by") { Description = $"Group by: {UsageGroupings.Names}", DefaultValueFactory = _ => "model" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV" };
        var command = new Command("usage", "Report tokens and cost from the ledger") { by, json, csv };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!UsageGroupings.TryParse(parse.GetValue(by)!, out var grouping))
            {
                await Console.Error.WriteLineAsync($"--by must be one of: {UsageGroupings.Names}").ConfigureAwait(false);
                return 2;
            }

            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            var config = CiyuanConfigSource.Load(paths);
            await using var store = await StoreFactory.OpenAsync(paths, config, cancellationToken).ConfigureAwait(false);
            var rows = await store.Reports.SummarizeAsync(grouping, new UsageQuery(), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                using var stdout = Console.OpenStandardOutput();
                await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
                {
                    UsageReportWriter.WriteJson(writer, parse.GetValue(by)!, rows);
                }

                Console.WriteLine();
            }
            else if (parse.GetValue(csv))
            {
                Console.Write(UsageReportWriter.ToCsv(rows));
            }
            else
            {
                Console.Write(UsageReportWriter.ToTable(rows));
            }

            return 0;
        });
        return command;
    }
}
