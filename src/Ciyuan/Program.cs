using System.CommandLine;
using Ciyuan.Commands;
using Ciyuan.Core.Configuration;
using Ciyuan.Storage;

namespace Ciyuan;

/// <summary>The <c>ciyuan</c> command line: a table of contents of the commands.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Ciyuan — a self-hosted token hub: one OpenAI- and Anthropic-compatible endpoint in front of many model providers")
        {
            ServeCommand.Create(),
            KeysCommand.Create(),
            AdminsCommand.Create(),
            UsageCommand.Create(),
            ModelsCommand.Create(),
            TokenizeCommand.Create(),
            RouteCommand.Create(),
        };
        root.Options.Add(CommonOptions.Config);

        try
        {
            // Our own handlers below turn known errors into one clear line; no stack traces for users.
            // No termination timeout: `serve` drains on SIGTERM/SIGINT itself and must not be cut short.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"ciyuan: invalid configuration: {ex.Message}").ConfigureAwait(false);
            return 78;
        }
        catch (StorageException ex)
        {
            await Console.Error.WriteLineAsync($"ciyuan: storage error: {ex.Message}").ConfigureAwait(false);
            return 74;
        }
    }
}
