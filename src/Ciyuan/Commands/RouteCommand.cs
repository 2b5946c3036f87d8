using System.CommandLine;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;

namespace Ciyuan.Commands;

/// <summary>
/// <c>ciyuan route explain --model NAME [--key ID] [--policy P] [--prompt-file F] [--max-tokens N]</c>:
/// the candidates in order with the reason for each rank or exclusion, without sending anything.
/// </summary>
internal static class RouteCommand
{
    public static Command Create()
    {
        var command = new Command("route", "Inspect routing decisions");
        command.Subcommands.Add(Explain());
        return command;
    }

    private static Command Explain()
    {
        var model = new Option<string>("--model") { Description = "The model (alias) a request names", Required = true };
        var key = new Option<string?>("--key") { Description = "A key id: its privacy policy applies" };
        var policy = new Option<string?>("--policy") { Description = "A request policy (as X-Ciyuan-Policy), tightening the key's" };
        var promptFile = new Option<FileInfo?>("--prompt-file") { Description = "A prompt whose exact token count decides context fit and cost" };
        var maxTokens = new Option<long?>("--max-tokens") { Description = "Requested output tokens" };
        var command = new Command("explain", "Print the candidates in order with the reason for each rank or exclusion") { model, key, policy, promptFile, maxTokens };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            var state = new GatewayState(CiyuanConfigSource.Load(paths), ModelCatalog.Builtin);
            var routing = GatewayRouting.For(state);
            string? keyPolicy = null;
            if (parse.GetValue(key) is { } keyId)
            {
                await using var store = await StoreFactory.OpenAsync(paths, state.Config, cancellationToken).ConfigureAwait(false);
                var found = (await store.Keys.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Id == keyId);
                if (found is null)
                {
                    await Console.Error.WriteLineAsync($"No key has the id '{keyId}'. `ciyuan keys list` shows them.").ConfigureAwait(false);
                    return 1;
                }

                keyPolicy = found.Policy;
            }

            long promptTokens = 0;
            if (parse.GetValue(promptFile) is { } file)
            {
                var text = await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
                var counter = new TokenCounter(state);
                promptTokens = state.Aliases.TryGetValue(parse.GetValue(model)!, out var alias) ? counter.For(alias).CountTokens(text) : (text.Length + 2) / 3;
            }

            var explanation = routing.Router.Explain(new RouteRequest
            {
                Alias = parse.GetValue(model)!,
                KeyPolicy = keyPolicy,
                RequestPolicy = parse.GetValue(policy),
                PromptTokens = promptTokens,
                MaxOutputTokens = parse.GetValue(maxTokens),
            });
            Console.Write(explanation.Format());
            return explanation.Outcome == RouteErrorKind.None ? 0 : 1;
        });
        return command;
    }
}
