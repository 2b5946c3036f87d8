using System.CommandLine;
using Ciyuan.Core.Configuration;
using Ciyuan.Gateway.Setup;
using Ciyuan.Hosting;

namespace Ciyuan.Commands;

/// <summary><c>ciyuan serve</c>: the gateway.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (default: server.urls in config, else {ServerConfig.DefaultUrls})" };
        var command = new Command("serve", "Run the gateway") { urls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            var (config, configText) = CiyuanConfigSource.Read(paths);
            var listen = parse.GetValue(urls) ?? config.Server.Urls ?? ServerConfig.DefaultUrls;
            var masterKey = Environment.GetEnvironmentVariable("CIYUAN_MASTER_KEY") is { Length: > 0 } key ? key : null;
            var app = await GatewayHost.BuildAsync(new GatewayHostOptions(paths, config, listen, masterKey, ConfigText: configText, DrainOnSignals: true), cancellationToken).ConfigureAwait(false);
            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await Console.Error.WriteLineAsync($"ciyuan: cannot listen on {listen}: the address is already in use. Stop the other process or choose another with --urls.").ConfigureAwait(false);
                return 1;
            }

            return 0;
        });
        return command;
    }
}
