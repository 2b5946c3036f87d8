using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.State;
using Ciyuan.Gateway.Telemetry;

namespace Ciyuan.Http;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text exposition of the gateway's meter, for the master key or
/// <c>server.metrics_token</c> as <c>Authorization: Bearer TOKEN</c>. Before each scrape the budget
/// gauges are read from the store, so held and spent amounts are current to the scrape.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder routes, string? masterKey)
    {
        routes.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            // The token is the serving generation's: a reload may set, change or remove it.
            var server = context.RequestServices.GetRequiredService<LiveConfig>().Current.Config.Server;
            if (masterKey is null && server.MetricsToken is null)
            {
                await ErrorAnswers.WriteAsync(context, GatewayErrors.Forbidden(
                    "/metrics needs a token: set server.metrics_token in ciyuan.yaml (or CIYUAN_MASTER_KEY) and scrape with 'Authorization: Bearer TOKEN'.",
                    "metrics_disabled")).ConfigureAwait(false);
                return;
            }

            var presented = HttpKeys.PresentedKey(context.Request);
            if (!TokenCheck.Matches(presented, server.MetricsToken) && !TokenCheck.Matches(presented, masterKey))
            {
                await ErrorAnswers.WriteAsync(context, GatewayErrors.Unauthorized(
                    "/metrics needs server.metrics_token or the master key as 'Authorization: Bearer TOKEN'.")).ConfigureAwait(false);
                return;
            }

            await context.RequestServices.GetRequiredService<GatewayGauges>().RefreshAsync(context.RequestAborted).ConfigureAwait(false);
            await next(context).ConfigureAwait(false);
        }), optionsName: null);
        return routes;
    }
}
