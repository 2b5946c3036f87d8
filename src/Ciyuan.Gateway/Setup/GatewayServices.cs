using System.Diagnostics.Metrics;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Secrets;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Ledger;
using Ciyuan.Gateway.Pipeline;
using Ciyuan.Gateway.Relay;
using Ciyuan.Gateway.Routing;
using Ciyuan.Gateway.State;
using Ciyuan.Gateway.Telemetry;
using Ciyuan.Providers;
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
        services.AddSingleton(limitCounters);
        return services;
    }

    /// <summary>The config snapshot and what is derived from it once: lookup tables, routing, tokenizers, prices, secrets.</summary>
    public static IServiceCollection AddCiyuanState(this IServiceCollection services, CiyuanConfig config, string? masterKey)
    {
        // A test host registers its own clock first; every timestamp that decides money or windows reads this one.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(config);
        services.AddSingleton(new GatewayState(config, Core.Catalog.ModelCatalog.Builtin));
        services.AddSingleton<GatewayRouting>();
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<PromptTokens>();
        services.AddSingleton(new CurrencyConverter(config.Routing.CnyToUsd));
        services.AddSingleton(SecretRedactor.FromConfig(config, masterKey));
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
        return services;
    }

    /// <summary>The upstreams: pooled HTTP clients, the adapter, the reasoning some vendors need sent back.</summary>
    public static IServiceCollection AddCiyuanProviders(this IServiceCollection services)
    {
        services.AddSingleton<ProviderHttpClients>();
        services.AddSingleton<IProviderAdapter, HttpProviderAdapter>();
        services.AddSingleton(new ReasoningReplayStore());
        return services;
    }

    /// <summary>The meter this gateway publishes on (its own instance: see <see cref="TelemetryNames.CreateMeter"/>), the instruments, spans and request log.</summary>
    public static IServiceCollection AddCiyuanTelemetry(this IServiceCollection services, Meter meter)
    {
        services.AddSingleton(meter);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<GatewayGauges>();
        services.AddSingleton<RequestTracing>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<RequestObserver>();
        return services;
    }

    /// <summary>The request pipeline and its stages.</summary>
    public static IServiceCollection AddCiyuanPipeline(this IServiceCollection services)
    {
        services.AddSingleton<IntakeStage>();
        services.AddSingleton<ResolveStage>();
        services.AddSingleton<AdmitStage>();
        services.AddSingleton<ReserveStage>();
        services.AddSingleton<SendStage>();
        services.AddSingleton<AnswerRelay>();
        services.AddSingleton<SettleStage>();
        services.AddSingleton<GatewayPipeline>();
        return services;
    }

    /// <summary>Everything <c>ciyuan serve</c> runs on, over an opened store.</summary>
    public static IServiceCollection AddCiyuanGateway(this IServiceCollection services, CiyuanConfig config, string? masterKey, IStorageBackend store, ILimitCounters limitCounters, Meter meter) =>
        services
            .AddCiyuanStorage(store, limitCounters)
            .AddCiyuanTelemetry(meter)
            .AddCiyuanState(config, masterKey)
            .AddCiyuanKeysAndBudgets()
            .AddCiyuanProviders()
            .AddCiyuanPipeline();
}
