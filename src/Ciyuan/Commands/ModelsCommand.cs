using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;
using Ciyuan.Http;

namespace Ciyuan.Commands;

/// <summary>
/// <c>ciyuan models [--json] [--catalog]</c>: the configured models with their catalog facts, or the
/// whole catalog with <c>--catalog</c> (to compare prices across providers before configuring).
/// The RESPONSES column says how an OpenAI Responses request reaches each deployment: <c>native</c>
/// (passed through to the provider's own Responses endpoint) or <c>translated</c>.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var all = new Option<bool>("--catalog") { Description = "List every catalog model, not only configured ones" };
        var command = new Command("models", "List models with context, prices, licence and jurisdiction") { json, all };
        command.SetAction(parse =>
        {
            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            var config = CiyuanConfigSource.Load(paths);
            var state = new GatewayState(config, ModelCatalog.Builtin);
            var rows = parse.GetValue(all) ? CatalogRows(state.Catalog) : ConfiguredRows(state);
            if (parse.GetValue(json))
            {
                WriteJson(rows);
            }
            else
            {
                WriteTable(rows);
            }

            return 0;
        });
        return command;
    }

    private sealed record Row(string Name, string Provider, string Model, string Jurisdiction, CatalogModel? Facts, Core.Metering.IPriceQuote? Price, bool NativeResponses);

    private static List<Row> ConfiguredRows(GatewayState state) =>
        state.Config.Models
            .SelectMany(alias => alias.Deployments.Select(d => new Row(alias.Name, d.Provider.Name, d.UpstreamModel, d.Provider.Jurisdiction, state.CatalogModels.GetValueOrDefault(d.Id), state.PriceOf(d),
                ProviderEndpoints.For(d.Provider, Dialect.Responses) == UpstreamEndpoint.Responses)))
            .ToList();

    private static List<Row> CatalogRows(ModelCatalog catalog) =>
        catalog.Models
            .Select(m =>
            {
                var provider = catalog.FindProviderById(m.ProviderId);
                return new Row(m.Id, m.ProviderId, m.Id, provider?.Jurisdiction ?? "unknown", m, m.Price, NativeResponses(provider));
            })
            .ToList();

    /// <summary>A catalog provider serves Responses natively when the catalog names its Responses host, or its kind serves <c>/responses</c> beside chat.</summary>
    private static bool NativeResponses(CatalogProvider? provider) =>
        provider is not null && (provider.ResponsesBaseUrl is not null || provider.Kind is ProviderKinds.OpenAI or ProviderKinds.OpenRouter);

    private static void WriteJson(List<Row> rows)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("name", row.Name);
                json.WriteString("provider", row.Provider);
                json.WriteString("model", row.Model);
                json.WriteString("jurisdiction", row.Jurisdiction);
                json.WriteString("responses", row.NativeResponses ? "native" : "translated");
                CatalogFactsWriter.Write(json, row.Facts, row.Price);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        Console.WriteLine();
    }

    private static void WriteTable(List<Row> rows)
    {
        string[] header = ["MODEL", "PROVIDER", "UPSTREAM MODEL", "CONTEXT", "IN/M", "OUT/M", "CACHE-HIT/M", "LICENCE", "JURISDICTION", "RESPONSES"];
        var table = new List<string[]> { header };
        foreach (var row in rows)
        {
            var tier = row.Price switch
            {
                PriceSheet sheet => sheet.SelectTier(0, DateTimeOffset.UtcNow) is { } t ? (t.Input, t.Output, t.CacheHit, sheet.Currency) : default,
                Core.Metering.FlatPriceQuote flat => (flat.Price.Input, flat.Price.Output, flat.Price.CacheHit, flat.Price.Currency),
                _ => default,
            };
            var symbol = tier.Currency == Currencies.Cny ? "¥" : "$";
            table.Add(
            [
                row.Name,
                row.Provider,
                row.Model,
                row.Facts?.ContextWindow is { } context ? context.ToString("N0", CultureInfo.InvariantCulture) : "-",
                row.Price is null ? "unpriced" : symbol + tier.Input.ToString(CultureInfo.InvariantCulture),
                row.Price is null ? "-" : symbol + tier.Output.ToString(CultureInfo.InvariantCulture),
                tier.CacheHit is { } hit ? symbol + hit.ToString(CultureInfo.InvariantCulture) : "-",
                row.Facts?.License ?? "-",
                row.Jurisdiction,
                row.NativeResponses ? "native" : "translated",
            ]);
        }

        var widths = Enumerable.Range(0, header.Length).Select(i => table.Max(r => r[i].Length)).ToArray();
        foreach (var line in table)
        {
            Console.WriteLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
