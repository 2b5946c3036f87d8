using Ciyuan.Gateway.Keys;

namespace Ciyuan.Http;

/// <summary>Liveness and readiness for load balancers and orchestrators.</summary>
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
            var keys = context.RequestServices.GetRequiredService<KeyCache>();
            var ready = keys.IsLoaded;
            context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(ready ? "{\"status\":\"ready\"}" : "{\"status\":\"starting\"}");
        });
        return routes;
    }
}
