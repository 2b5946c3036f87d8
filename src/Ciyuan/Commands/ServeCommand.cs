using System.CommandLine;
using Ciyuan.Core.Configuration;
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
            var config = CiyuanConfigSource.Load(paths);
            var listen = parse.GetValue(urls) ?? config.Server.Urls ?? ServerConfig.DefaultUrls;
            var masterKey = Environment.GetEnvironmentVariable("CIYUAN_MASTER_KEY") is { Length: > 0 } key ? key : null;
            var app = await GatewayHost.BuildAsync(new GatewayHostOptions(paths, config, listen, masterKey), cancellationToken).ConfigureAwait(false);
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
