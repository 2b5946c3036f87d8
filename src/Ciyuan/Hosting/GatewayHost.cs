using Ciyuan.AdminAccess;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Secrets;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Lifecycle;
using Ciyuan.Gateway.Reload;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;
using Ciyuan.Gateway.Telemetry;
using Ciyuan.Dashboard;
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
        var logSecrets = new LogSecrets(SecretRedactor.FromConfig(options.Config, options.MasterKey));
        builder.Logging.AddCiyuanConsole(options.Config.Logging, () => logSecrets.Current);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // Start-up failures (e.g. a port in use) are reported by `serve` in one line; the host's own
        // log of them is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        builder.Services.AddSingleton(time);
        if (options.DrainOnSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, GracefulShutdown>();
        }

        builder.Services.AddCiyuanGateway(options.Config, new ConfigOrigin(options.Paths, options.MasterKey), store, limitCounters, meter);
        builder.Services.AddCiyuanObservability(options.Config, meter);
        builder.Services.AddAdminAccess(options.MasterKey, store.Admins);
        // The usage ledger, as the request path sees it (the dashboard hears of each committed record).
        builder.Services.AddDashboard(store.Usage, store.Timeline);
        var app = builder.Build();

        // The first generation is derived now, so a tokenizer file that cannot be read is a start-up
        // error; then it is checked as any reload is: every policy a key names must exist, and what
        // will not serve as expected (a policy no deployment satisfies, an unpriced deployment) is reported.
        var live = app.Services.GetRequiredService<LiveConfig>();
        logSecrets.Follow(live);
        await app.Services.GetRequiredService<ConfigReloader>().StartAsync(options.ConfigText, cancellationToken).ConfigureAwait(false);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ciyuan");

        // Holds left open by an instance that died are in doubt: counted as spent until released.
        Log.StorageOpened(logger, store.Name, options.Config.Storage.RedisConnectionString is null ? "this process" : "Redis");
        var scrubbed = await store.ScrubSecretsAsync(live.Current.Redactor.Secrets, cancellationToken).ConfigureAwait(false);
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
        app.MapResponsesEndpoints();
        app.MapTokenizeEndpoints();
        app.MapAdminEndpoints();
        app.MapModelEndpoints();
        if (options.Config.Metrics.Enabled)
        {
            app.MapMetricsEndpoint(options.MasterKey);
        }

        if (options.Config.Server.Ui)
        {
            app.MapDashboard();
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

        // After the drain: the ledger queue is written (no settled request left unwritten) and, on
        // PostgreSQL, every budget slice this instance escrows goes back to its line at once.
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            (limitCounters as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            meter.Dispose();
            if (app.Services.GetRequiredService<GatewayDrain>().IsDraining)
            {
                Log.Drained(logger);
            }
        });
        return app;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DrainFinished, Level = LogLevel.Information, Message = "Drained: every request in flight ended and its ledger line is written; exiting")]
        public static partial void Drained(ILogger logger);

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

        [LoggerMessage(EventId = EventIds.NoModels, Level = LogLevel.Warning,
            Message = "No models are configured ({Source}); every chat request will get 404. Add providers and models to ciyuan.yaml.")]
        public static partial void NoModels(ILogger logger, string source);
    }
}

/// <summary>
/// What <c>serve</c> (or a test host) builds the gateway from; <see cref="Time"/> is the clock of every
/// money and window decision; <see cref="ConfigText"/> is the text the config was parsed from, so a
/// reload of an unchanged file is a no-op; <see cref="DrainOnSignals"/> makes SIGTERM and SIGINT drain
/// the gateway (<see cref="GracefulShutdown"/>) — for the process that is the gateway, not a test host.
/// </summary>
internal sealed record GatewayHostOptions(CiyuanPaths Paths, CiyuanConfig Config, string Urls, string? MasterKey, LogLevel LogLevel = LogLevel.Information, TimeProvider? Time = null, string? ConfigText = null, bool DrainOnSignals = false);
