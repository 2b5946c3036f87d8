using System.CommandLine;
using Ciyuan.AdminAccess;
using Ciyuan.Core.Admin;
using Ciyuan.Gateway.Setup;

namespace Ciyuan.Commands;

/// <summary>
/// <c>ciyuan admins create|list|revoke</c>: tokens for <c>/admin</c> and the dashboard, so operators
/// need not share the master key. A viewer token reads everything and changes nothing.
/// </summary>
internal static class AdminsCommand
{
    public static Command Create()
    {
        var command = new Command("admins", "Manage admin tokens (for /admin and the /ui dashboard)");
        command.Subcommands.Add(CreateToken());
        command.Subcommands.Add(ListTokens());
        command.Subcommands.Add(RevokeToken());
        return command;
    }

    private static Command CreateToken()
    {
        var name = new Option<string>("--name") { Description = "Who or what the token is for", Required = true };
        var role = new Option<string>("--role") { Description = $"One of: {AdminRoles.Names} (viewer: read-only)", DefaultValueFactory = _ => "viewer" };
        var command = new Command("create", "Create an admin token and print it once") { name, role };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!AdminRoles.TryParse(parse.GetValue(role), out var parsed))
            {
                await Console.Error.WriteLineAsync($"--role must be one of: {AdminRoles.Names}.").ConfigureAwait(false);
                return 2;
            }

            if (parse.GetValue(name) is not { Length: > 0 } tokenName)
            {
                await Console.Error.WriteLineAsync("--name must not be empty.").ConfigureAwait(false);
                return 2;
            }

            await using var store = await OpenStoreAsync(parse, cancellationToken).ConfigureAwait(false);
            var (token, secret) = await new AdminTokenService(store.Admins, TimeProvider.System).CreateAsync(tokenName, parsed, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(secret);
            await Console.Error.WriteLineAsync($"Created admin token {token.Id} ('{token.Name}', {AdminRoles.Name(token.Role)}). It is shown only once: store it now.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListTokens()
    {
        var command = new Command("list", "List admin tokens (never the tokens themselves)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var store = await OpenStoreAsync(parse, cancellationToken).ConfigureAwait(false);
            var list = await new AdminTokenService(store.Admins, TimeProvider.System).ListAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{"ID",-18} {"NAME",-20} {"ROLE",-7} {"PREFIX",-12} {"CREATED",-20} STATUS");
            foreach (var token in list)
            {
                var status = token.RevokedAt is { } revoked ? $"revoked {revoked:yyyy-MM-dd HH:mm}" : "active";
                Console.WriteLine($"{token.Id,-18} {token.Name,-20} {AdminRoles.Name(token.Role),-7} {token.Prefix + "…",-12} {token.CreatedAt:yyyy-MM-dd HH:mm:ss}  {status}");
            }

            return 0;
        });
        return command;
    }

    private static Command RevokeToken()
    {
        var id = new Argument<string>("ID") { Description = "The token id (from `ciyuan admins list`)" };
        var command = new Command("revoke", "Revoke an admin token and end its dashboard sessions") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var store = await OpenStoreAsync(parse, cancellationToken).ConfigureAwait(false);
            if (!await new AdminTokenService(store.Admins, TimeProvider.System).RevokeAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"No admin token has the id '{parse.GetValue(id)}'. `ciyuan admins list` shows them.").ConfigureAwait(false);
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
