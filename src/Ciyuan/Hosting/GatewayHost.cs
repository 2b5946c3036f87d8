using Ciyuan.Core.Configuration;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Routing;
using Ciyuan.Core.Secrets;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;
using Ciyuan.Gateway.Telemetry;
using Ciyuan.Http;

namespace Ciyuan.Hosting;

/// <summary>
/// Builds the web host of <c>ciyuan serve</c>: opens the store, registers the gateway
/// (<see cref="GatewayServices.AddCiyuanGateway"/>), checks what must hold before the first request,
/// then maps the routes.
/// </summary>
internal static partial class GatewayHost
{
    public static async Task<WebApplication> BuildAsync(GatewayHostOptions options, CancellationToken cancellationToken)
    {
        var time = options.Time ?? TimeProvider.System;
        // This gateway's own meter: the store records its commit times on it, the pipeline everything else.
        var meter = TelemetryNames.CreateMeter();
        var store = await StoreFactory.OpenAsync(options.Paths, options.Config, cancellationToken, time, meter).ConfigureAwait(false);
        var limitCounters = await LimitCountersFactory.OpenAsync(options.Config.Storage, time, cancellationToken).ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Config.Server.MaxBodyBytes;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddCiyuanConsole(options.Config.Logging);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // Start-up failures (e.g. a port in use) are reported by `serve` in one line; the host's own
        // log of them is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        builder.Services.AddSingleton(time);
        builder.Services.AddCiyuanGateway(options.Config, options.MasterKey, store, limitCounters, meter);
        builder.Services.AddCiyuanObservability(options.Config, meter);
        var app = builder.Build();

        // Tokenizer files named in config are checked now: a bad path is a start-up error, not a request error.
        _ = app.Services.GetRequiredService<TokenCounter>();
        // Every policy a key names must exist; a policy that admits none of a model's deployments is reported.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ciyuan");
        var keyPolicies = (await app.Services.GetRequiredService<IKeyStore>().ListAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.Policy).OfType<string>();
        var routing = app.Services.GetRequiredService<GatewayRouting>();
        foreach (var unreachable in PrivacyPolicyValidator.ThrowIfUndefined(routing.Policies, keyPolicies, [.. app.Services.GetRequiredService<GatewayState>().Aliases.Values]))
        {
            Log.PolicyNeverSatisfied(logger, unreachable.Message);
        }

        // Holds left open by an instance that died are in doubt: counted as spent until released.
        Log.StorageOpened(logger, store.Name, options.Config.Storage.RedisConnectionString is null ? "this process" : "Redis");
        var scrubbed = await store.ScrubSecretsAsync(app.Services.GetRequiredService<SecretRedactor>().Secrets, cancellationToken).ConfigureAwait(false);
        if (scrubbed > 0)
        {
            Log.SecretsScrubbed(logger, scrubbed);
        }

        var orphans = await store.ReconcileOrphansAsync(cancellationToken).ConfigureAwait(false);
        if (orphans > 0)
        {
            Log.InDoubtFound(logger, orphans);
        }

        await app.Services.GetRequiredService<BudgetLines>().ReloadAsync(cancellationToken).ConfigureAwait(false);
        await app.Services.GetRequiredService<KeyCache>().ReloadAsync(cancellationToken).ConfigureAwait(false);

        app.UseUnhandledErrors();
        app.MapOpsEndpoints();
        app.MapGatewayEndpoints();
        app.MapTokenizeEndpoints();
        app.MapAdminEndpoints(options.MasterKey);
        app.MapModelEndpoints();
        if (options.Config.Metrics.Enabled)
        {
            app.MapMetricsEndpoint(options.Config.Server, options.MasterKey);
        }

        app.MapFallbackEndpoints();

        if (options.MasterKey is null)
        {
            Log.AdminDisabled(logger);
        }

        if (options.Config.Models.Count == 0)
        {
            Log.NoModels(logger, options.Config.Source);
        }

        foreach (var deployment in app.Services.GetRequiredService<GatewayState>().Unpriced)
        {
            Log.Unpriced(logger, deployment);
        }

        // Drain the ledger queue on shutdown so no settled request is left unwritten.
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            (limitCounters as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            meter.Dispose();
        });
        return app;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AdminDisabled, Level = LogLevel.Warning,
            Message = "CIYUAN_MASTER_KEY is not set: the /admin API is disabled. Set it to manage keys over HTTP.")]
        public static partial void AdminDisabled(ILogger logger);

        [LoggerMessage(EventId = EventIds.StorageOpened, Level = LogLevel.Information, Message = "Ledger, keys and budgets on {Backend}; rate and concurrency limits counted in {Limits}")]
        public static partial void StorageOpened(ILogger logger, string backend, string limits);

        [LoggerMessage(EventId = EventIds.InDoubtFound, Level = LogLevel.Warning,
            Message = "{Count} request(s) were in flight when the previous instance stopped: they are in doubt and count as spent at their held amount. `ciyuan usage --in-doubt` lists them; POST /admin/in-doubt/ID/release releases one.")]
        public static partial void InDoubtFound(ILogger logger, int count);

        [LoggerMessage(EventId = EventIds.SecretsScrubbed, Level = LogLevel.Information,
            Message = "Masked configured secrets in {Count} stored upstream error message(s)")]
        public static partial void SecretsScrubbed(ILogger logger, long count);

        [LoggerMessage(EventId = EventIds.PolicyNeverSatisfied, Level = LogLevel.Warning, Message = "{Message}")]
        public static partial void PolicyNeverSatisfied(ILogger logger, string message);

        [LoggerMessage(EventId = EventIds.NoModels, Level = LogLevel.Warning,
            Message = "No models are configured ({Source}); every chat request will get 404. Add providers and models to ciyuan.yaml.")]
        public static partial void NoModels(ILogger logger, string source);

        [LoggerMessage(EventId = EventIds.Unpriced, Level = LogLevel.Warning,
            Message = "Deployment {Deployment} has no price in config or catalog: it is served, and its ledger rows are flagged unpriced (cost 0 is not 'free'). Add price: to the deployment.")]
        public static partial void Unpriced(ILogger logger, string deployment);
    }
}

/// <summary>What <c>serve</c> (or a test host) builds the gateway from; <see cref="Time"/> is the clock of every money and window decision.</summary>
internal sealed record GatewayHostOptions(CiyuanPaths Paths, CiyuanConfig Config, string Urls, string? MasterKey, LogLevel LogLevel = LogLevel.Information, TimeProvider? Time = null);
