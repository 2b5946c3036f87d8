using System.Diagnostics.Metrics;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Lifecycle;
using Ciyuan.Gateway.Ledger;
using Ciyuan.Gateway.Pipeline;
using Ciyuan.Gateway.Reload;
using Ciyuan.Gateway.Relay;
using Ciyuan.Gateway.State;
using Ciyuan.Gateway.Telemetry;
using Ciyuan.Providers.Http;
using Ciyuan.Providers.Profiles;
using Ciyuan.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ciyuan.Gateway.Setup;

/// <summary>Registers the gateway's parts, one concern per method, for any host.</summary>
internal static class GatewayServices
{
    /// <summary>The store (keys, ledger and budgets on one backend) and the rate and concurrency counters.</summary>
    public static IServiceCollection AddCiyuanStorage(this IServiceCollection services, IStorageBackend store, ILimitCounters limitCounters)
    {
        services.AddSingleton(store);
        services.AddSingleton(store.Keys);
        services.AddSingleton(store.Usage);
        services.AddSingleton(store.Reports);
        services.AddSingleton(store.Budgets);
        services.AddSingleton(store.BudgetLedger);
        services.AddSingleton(store.Responses);
        services.AddSingleton(store.Changes);
        services.AddSingleton(limitCounters);
        return services;
    }

    /// <summary>
    /// The configuration generation requests start on (lookup tables, routing, tokenizers, prices,
    /// secrets, all derived once), and the reloader that replaces it when the file changes.
    /// </summary>
    public static IServiceCollection AddCiyuanState(this IServiceCollection services, CiyuanConfig config, ConfigOrigin origin)
    {
        // A test host registers its own clock first; every timestamp that decides money or windows reads this one.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(origin);
        services.AddSingleton<ProviderHttpClients>();
        services.AddSingleton(sp => new LiveConfig(GatewaySnapshot.Build(config, origin.MasterKey, sp.GetRequiredService<ProviderHttpClients>(), sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<ConfigReloader>();
        services.AddHostedService<ConfigReloadTriggers>();
        return services;
    }

    /// <summary>Client keys and budget lines, kept current from the store; the ledger's upkeep.</summary>
    public static IServiceCollection AddCiyuanKeysAndBudgets(this IServiceCollection services)
    {
        services.AddSingleton<BudgetLines>();
        services.AddHostedService(sp => sp.GetRequiredService<BudgetLines>());
        services.AddSingleton<KeyCache>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyCache>());
        services.AddSingleton<KeyService>();
        services.AddSingleton<KeyAuthenticator>();
        services.AddHostedService<LedgerMaintenance>();
        services.AddHostedService<ResponseRetention>();
        return services;
    }

    /// <summary>The reasoning some vendors need sent back, kept across requests (the adapter that sends is per config generation).</summary>
    public static IServiceCollection AddCiyuanProviders(this IServiceCollection services)
    {
        services.AddSingleton(new ReasoningReplayStore());
        return services;
    }

    /// <summary>The meter this gateway publishes on (its own instance: see <see cref="TelemetryNames.CreateMeter"/>), the instruments, spans and request log.</summary>
    public static IServiceCollection AddCiyuanTelemetry(this IServiceCollection services, Meter meter)
    {
        services.AddSingleton(meter);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<GatewayGauges>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<RequestObserver>();
        return services;
    }

    /// <summary>The request pipeline and its stages.</summary>
    public static IServiceCollection AddCiyuanPipeline(this IServiceCollection services)
    {
        services.AddSingleton<IntakeStage>();
        services.AddSingleton<RecallStage>();
        services.AddSingleton<ResolveStage>();
        services.AddSingleton<AdmitStage>();
        services.AddSingleton<ReserveStage>();
        services.AddSingleton<SendStage>();
        services.AddSingleton<AnswerRelay>();
        services.AddSingleton<SettleStage>();
        services.AddSingleton<KeepStage>();
        services.AddSingleton<GatewayPipeline>();
        services.AddSingleton<GatewayDrain>();
        return services;
    }

    /// <summary>Everything <c>ciyuan serve</c> runs on, over an opened store.</summary>
    public static IServiceCollection AddCiyuanGateway(this IServiceCollection services, CiyuanConfig config, ConfigOrigin origin, IStorageBackend store, ILimitCounters limitCounters, Meter meter) =>
        services
            .AddCiyuanStorage(store, limitCounters)
            .AddCiyuanTelemetry(meter)
            .AddCiyuanState(config, origin)
            .AddCiyuanKeysAndBudgets()
            .AddCiyuanProviders()
            .AddCiyuanPipeline();
}
