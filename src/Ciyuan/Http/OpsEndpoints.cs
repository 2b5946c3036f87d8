using System.Text.Json;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Lifecycle;
using Ciyuan.Gateway.Reload;
using Ciyuan.Gateway.State;

namespace Ciyuan.Http;

/// <summary>
/// Liveness and readiness for load balancers and orchestrators. <c>/readyz</c> is 503 while the keys
/// are loading and from the first stop signal on (so traffic moves away before the listener closes);
/// its body tells which configuration generation serves and whether the file on disk was refused.
/// </summary>
internal static class OpsEndpoints
{
    public static IEndpointRouteBuilder MapOpsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", static context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"status\":\"ok\"}");
        });
        routes.MapGet("/readyz", static context =>
        {
            var services = context.RequestServices;
            var status = services.GetRequiredService<GatewayDrain>().IsDraining ? "draining"
                : services.GetRequiredService<KeyCache>().IsLoaded ? "ready"
                : "starting";
            context.Response.StatusCode = status == "ready" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json";
            using var json = new Utf8JsonWriter(context.Response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("status", status);
            json.WriteNumber("config_generation", services.GetRequiredService<LiveConfig>().Current.Generation);
            if (services.GetRequiredService<ConfigReloader>().Last is { } reload)
            {
                json.WritePropertyName("last_reload");
                ReloadJson.Write(json, reload);
            }

            json.WriteEndObject();
            json.Flush();
            return Task.CompletedTask;
        });
        return routes;
    }
}
