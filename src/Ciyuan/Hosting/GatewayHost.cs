using Ciyuan.AdminAccess;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;
using Ciyuan.Dashboard;
using Ciyuan.Http;
using Ciyuan.Pipeline;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Hosting;

/// <summary>Builds the web host of <c>ciyuan serve</c>: services from the config snapshot, then the routes.</summary>
internal static partial class GatewayHost
{
    public static async Task<WebApplication> BuildAsync(GatewayHostOptions options, CancellationToken cancellationToken)
    {
        var store = await StoreFactory.OpenAsync(options.Paths, options.Config, cancellationToken).ConfigureAwait(false);
        var limitCounters = await LimitCountersFactory.OpenAsync(options.Config.Storage, cancellationToken).ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Config.Server.MaxBodyBytes;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // Start-up failures (e.g. a port in use) are reported by `serve` in one line; the host's own
        // log of them is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        var services = builder.Services;
        services.AddSingleton(options.Config);
        services.AddSingleton(TimeProvider.System);
        var state = new GatewayState(options.Config, Core.Catalog.ModelCatalog.Builtin);
        services.AddSingleton(state);
        services.AddSingleton(store);
        services.AddSingleton(store.Keys);
        services.AddSingleton(store.Reports);
        services.AddSingleton(store.Budgets);
        services.AddSingleton(store.BudgetLedger);
        services.AddAdminAccess(options.MasterKey, store.Admins);
        // The usage ledger, as the request path sees it (the dashboard hears of each committed record).
        services.AddDashboard(store.Usage, store.Timeline, options.MasterKey);
        services.AddSingleton(new CurrencyConverter(options.Config.Routing.CnyToUsd));
        services.AddSingleton<BudgetLines>();
        services.AddHostedService(sp => sp.GetRequiredService<BudgetLines>());
        services.AddHostedService<LedgerMaintenance>();
        services.AddSingleton<KeyCache>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyCache>());
        services.AddSingleton<KeyService>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<ProviderHttpClients>();
        services.AddSingleton<IProviderAdapter, HttpProviderAdapter>();
        services.AddSingleton<JsonRelay>();
        services.AddSingleton<StreamRelay>();
        services.AddSingleton<RequestBudgets>();
        services.AddSingleton(limitCounters);
        services.AddSingleton<RequestLimits>();
        services.AddSingleton<RequestIntake>();
        services.AddSingleton<TokenCounter>();
        services.AddSingleton(new Providers.Profiles.ReasoningReplayStore());
        services.AddSingleton<FailureRecorder>();
        services.AddSingleton<GatewayRouting>();
        services.AddSingleton<RoutedDispatch>();
        services.AddSingleton<PromptTokens>();
        services.AddSingleton<OpenAIProxyHandler>();
        services.AddSingleton<AnthropicPassthroughRelay>();
        services.AddSingleton<TranslatingRelay>();
        services.AddSingleton<AnthropicMessagesHandler>();

        var app = builder.Build();

        // Tokenizer files named in config are checked now: a bad path is a start-up error, not a request error.
        _ = app.Services.GetRequiredService<TokenCounter>();
        var keyPolicies = (await app.Services.GetRequiredService<IKeyStore>().ListAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.Policy);
        app.Services.GetRequiredService<GatewayRouting>().ValidateKeyPolicies(keyPolicies);

        // Holds left open by an instance that died are in doubt: counted as spent until released.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ciyuan");
        Log.StorageOpened(logger, store.Name, options.Config.Storage.RedisConnectionString is null ? "this process" : "Redis");
        var orphans = await store.ReconcileOrphansAsync(cancellationToken).ConfigureAwait(false);
        if (orphans > 0)
        {
            Log.InDoubtFound(logger, orphans);
        }

        await app.Services.GetRequiredService<BudgetLines>().ReloadAsync(cancellationToken).ConfigureAwait(false);
        await app.Services.GetRequiredService<KeyCache>().ReloadAsync(cancellationToken).ConfigureAwait(false);

        app.MapOpsEndpoints();
        app.MapOpenAIEndpoints();
        app.MapAnthropicEndpoints();
        app.MapTokenizeEndpoints();
        app.MapAdminEndpoints();
        if (options.Config.Server.Ui)
        {
            app.MapDashboard();
        }

        if (options.MasterKey is null)
        {
            Log.AdminDisabled(logger);
        }

        if (options.Config.Models.Count == 0)
        {
            Log.NoModels(logger, options.Config.Source);
        }

        foreach (var deployment in state.Unpriced)
        {
            Log.Unpriced(logger, deployment);
        }

        // Drain the ledger queue on shutdown so no settled request is left unwritten.
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            (limitCounters as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
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

        [LoggerMessage(EventId = EventIds.NoModels, Level = LogLevel.Warning,
            Message = "No models are configured ({Source}); every chat request will get 404. Add providers and models to ciyuan.yaml.")]
        public static partial void NoModels(ILogger logger, string source);

        [LoggerMessage(EventId = EventIds.Unpriced, Level = LogLevel.Warning,
            Message = "Deployment {Deployment} has no price in config or catalog: it is served, and its ledger rows are flagged unpriced (cost 0 is not 'free'). Add price: to the deployment.")]
        public static partial void Unpriced(ILogger logger, string deployment);
    }
}

internal sealed record GatewayHostOptions(CiyuanPaths Paths, CiyuanConfig Config, string Urls, string? MasterKey, LogLevel LogLevel = LogLevel.Information);
