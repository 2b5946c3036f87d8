using Microsoft.Extensions.DependencyInjection.Extensions;
using Ciyuan.Core.Metering;
using Ciyuan.Dashboard.Access;
using Ciyuan.Dashboard.Assets;
using Ciyuan.Dashboard.Live;
using Ciyuan.Dashboard.Views;

namespace Ciyuan.Dashboard;

/// <summary>Registers the dashboard: its views, live feed and sessions.</summary>
internal static class DashboardServices
{
    /// <summary>
    /// Registers <paramref name="ledger"/>, behind <see cref="LedgerFeed"/>, as the
    /// <see cref="IUsageLedger"/> the request path uses, so the dashboard hears of each committed
    /// record without a hook in the pipeline. Called whether or not <c>/ui</c> is served.
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IUsageLedger ledger, IUsageTimeline timeline)
    {
        var feed = new LedgerFeed(ledger);
        services.AddSingleton(feed);
        services.Replace(ServiceDescriptor.Singleton<IUsageLedger>(feed));
        services.AddSingleton(timeline);
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<DashboardClock>();
        services.AddSingleton<RecordJson>();
        services.AddSingleton<KeyNames>();
        services.AddSingleton<CacheSavings>();
        services.AddSingleton<OverviewView>();
        services.AddSingleton<ShareView>();
        services.AddSingleton<ElsewhereView>();
        services.AddSingleton<RequestsView>();
        services.AddSingleton<RunsView>();
        services.AddSingleton<DeploymentsView>();
        services.AddSingleton<CatalogView>();
        services.AddSingleton<DeploymentActivity>();
        services.AddSingleton<DashboardBroadcast>();
        services.AddHostedService<DashboardFeed>();
        return services;
    }
}
