using System.CommandLine;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;

namespace Ciyuan.Commands;

/// <summary>
/// <c>ciyuan route explain --model NAME [--key ID] [--policy P] [--door chat|messages|responses]
/// [--request-file F | --prompt-file F] [--max-tokens N]</c>: the candidates in order with the reason
/// for each rank or exclusion, and the path each would take for the door (passed through or
/// translated), without sending anything.
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
        var door = new Option<string>("--door") { Description = "The front door the request arrives at: chat, messages or responses", DefaultValueFactory = _ => "chat" };
        door.AcceptOnlyFromAmong("chat", "messages", "responses");
        var requestFile = new Option<FileInfo?>("--request-file") { Description = "A request body in the door's dialect: its exact prompt tokens and output cap decide context fit and cost" };
        var command = new Command("explain", "Print the candidates in order with the reason for each rank or exclusion") { model, key, policy, door, requestFile, promptFile, maxTokens };
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

            var front = DoorOf(parse.GetValue(door)!);
            long promptTokens = 0;
            long? requestedOutput = parse.GetValue(maxTokens);
            if (parse.GetValue(requestFile) is { } bodyFile)
            {
                if (!state.Aliases.TryGetValue(parse.GetValue(model)!, out var alias))
                {
                    await Console.Error.WriteLineAsync($"No model is named '{parse.GetValue(model)}'. `ciyuan models` lists them.").ConfigureAwait(false);
                    return 1;
                }

                ChatRequest request;
                try
                {
                    request = front.Decode(await File.ReadAllBytesAsync(bodyFile.FullName, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is TranslationException or System.Text.Json.JsonException)
                {
                    await Console.Error.WriteLineAsync($"{bodyFile.Name} is not a valid {parse.GetValue(door)} request: {ex.Message}").ConfigureAwait(false);
                    return 1;
                }

                promptTokens = TokenCounter.CountChat(new TokenCounter(state).For(alias), request);
                requestedOutput ??= request.MaxOutputTokens;
            }
            else if (parse.GetValue(promptFile) is { } file)
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
                MaxOutputTokens = requestedOutput,
                Door = front.Dialect,
            });
            Console.Write(explanation.Format());
            WritePaths(state, explanation, front.Dialect);
            return explanation.Outcome == RouteErrorKind.None ? 0 : 1;
        });
        return command;
    }

    private static IDoor DoorOf(string name) => name switch
    {
        "messages" => AnthropicDoor.Messages,
        "responses" => ResponsesDoor.Responses,
        _ => OpenAIDoor.Chat,
    };

    /// <summary>For each candidate, how a request at the door would reach it: passed through in its own dialect, or translated.</summary>
    private static void WritePaths(GatewayState state, RouteExplanation explanation, Dialect door)
    {
        var deployments = state.Config.Models.SelectMany(alias => alias.Deployments).ToLookup(d => d.Id);
        Console.WriteLine($"paths for {DialectName(door)} requests:");
        foreach (var candidate in explanation.Candidates)
        {
            if (deployments[candidate.DeploymentId].FirstOrDefault() is not { } deployment)
            {
                continue;
            }

            var upstream = ProviderEndpoints.DialectOf(ProviderEndpoints.For(deployment.Provider, door));
            var how = upstream == door ? "passed through" : "translated to " + DialectName(upstream);
            Console.WriteLine($"  {candidate.DeploymentId}  {how}");
        }
    }

    private static string DialectName(Dialect dialect) => dialect switch
    {
        Dialect.Anthropic => "Anthropic Messages",
        Dialect.Responses => "OpenAI Responses",
        _ => "OpenAI chat completions",
    };
}
