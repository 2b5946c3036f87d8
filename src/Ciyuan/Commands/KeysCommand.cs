using System.CommandLine;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;

namespace Ciyuan.Commands;

/// <summary><c>ciyuan keys create|list|revoke</c>, against the same store as <c>serve</c>.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Manage client keys");
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(ListKeys());
        command.Subcommands.Add(RevokeKey());
        return command;
    }

    private static Command CreateKey()
    {
        var name = new Option<string>("--name") { Description = "A name to recognise the key by", Required = true };
        var budget = new Option<decimal?>("--budget-usd") { Description = "Spending cap in USD" };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute" };
        var tpm = new Option<long?>("--tpm") { Description = "Tokens per minute (prompt + output)" };
        var concurrency = new Option<int?>("--max-concurrency") { Description = "Requests in flight at once" };
        var project = new Option<string?>("--project") { Description = "The project (team) the key belongs to: its budgets and limits apply too" };
        var policy = new Option<string?>("--policy") { Description = "Privacy policy name" };
        var command = new Command("create", "Create a key and print it once") { name, budget, rpm, tpm, concurrency, project, policy };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = new KeySpec(parse.GetValue(name)!)
            {
                BudgetUsd = parse.GetValue(budget),
                RequestsPerMinute = parse.GetValue(rpm),
                TokensPerMinute = parse.GetValue(tpm),
                MaxConcurrency = parse.GetValue(concurrency),
                Project = parse.GetValue(project),
                Policy = parse.GetValue(policy),
            };
            if (spec.Problem() is { } problem)
            {
                await Console.Error.WriteLineAsync($"Cannot create the key: {problem}.").ConfigureAwait(false);
                return 2;
            }

            if (parse.GetValue(policy) is { } policyName)
            {
                var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
                var routing = GatewayRouting.For(new GatewayState(CiyuanConfigSource.Load(paths), Core.Catalog.ModelCatalog.Builtin));
                if (!routing.Policies.TryGet(policyName, out _))
                {
                    await Console.Error.WriteLineAsync($"No privacy policy is named '{policyName}'. Defined: {string.Join(", ", routing.Policies.Names.Order(StringComparer.Ordinal))} (add more under policies: in ciyuan.yaml).").ConfigureAwait(false);
                    return 2;
                }
            }

            await using var store = await OpenStoreAsync(parse, cancellationToken).ConfigureAwait(false);
            var (key, secret) = await new KeyService(store.Keys, TimeProvider.System).CreateAsync(spec, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(secret);
            await Console.Error.WriteLineAsync($"Created key {key.Id} ('{key.Name}'). It is shown only once: store it now.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListKeys()
    {
        var command = new Command("list", "List keys (never the keys themselves)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var store = await OpenStoreAsync(parse, cancellationToken).ConfigureAwait(false);
            var keys = new KeyService(store.Keys, TimeProvider.System);
            var list = await keys.ListAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{"ID",-18} {"NAME",-20} {"PROJECT",-14} {"PREFIX",-12} {"CREATED",-20} STATUS");
            foreach (var key in list)
            {
                var status = key.RevokedAt is { } revoked ? $"revoked {revoked:yyyy-MM-dd HH:mm}" : "active";
                Console.WriteLine($"{key.Id,-18} {key.Name,-20} {key.Project ?? "-",-14} {key.Prefix + "…",-12} {key.CreatedAt:yyyy-MM-dd HH:mm:ss}  {status}");
            }

            return 0;
        });
        return command;
    }

    private static Command RevokeKey()
    {
        var id = new Argument<string>("ID") { Description = "The key id (from `ciyuan keys list`)" };
        var command = new Command("revoke", "Revoke a key; servers refuse it within a fraction of a second") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var store = await OpenStoreAsync(parse, cancellationToken).ConfigureAwait(false);
            var keys = new KeyService(store.Keys, TimeProvider.System);
            if (!await keys.RevokeAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"No key has the id '{parse.GetValue(id)}'. `ciyuan keys list` shows them.").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine($"Revoked {parse.GetValue(id)}.");
            return 0;
        });
        return command;
    }

    private static Task<Storage.IStorageBackend> OpenStoreAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
        return StoreFactory.OpenAsync(paths, CiyuanConfigSource.Load(paths), cancellationToken);
    }
}
