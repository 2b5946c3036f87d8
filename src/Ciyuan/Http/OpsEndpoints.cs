using System.Text.Json;
using Ciyuan.Gateway.Keys;
using Ciyuan.Storage;
using Ciyuan.Storage.Redis;

namespace Ciyuan.Http;

/// <summary>
/// Liveness and readiness for load balancers and orchestrators. <c>/readyz</c> answers 503 until
/// keys are loaded; after that 200, with <c>status: degraded</c> and the details when the database
/// or the shared limit store cannot be reached (the instance still answers, with 503s for what
/// needs them, and writes served requests down when the database is back).
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
        routes.MapGet("/readyz", static async context =>
        {
            var keys = context.RequestServices.GetRequiredService<KeyCache>();
            var storage = context.RequestServices.GetRequiredService<IStorageBackend>().Health;
            var limits = context.RequestServices.GetService<Core.Limits.ILimitCounters>() as GuardedLimitCounters;
            var degraded = !storage.DatabaseReachable || limits is { Available: false };
            var status = !keys.IsLoaded ? "starting" : degraded ? "degraded" : "ready";
            context.Response.StatusCode = keys.IsLoaded ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(context.Response.Body);
            json.WriteStartObject();
            json.WriteString("status", status);
            json.WriteStartObject("storage");
            json.WriteString("backend", storage.Backend);
            json.WriteString("database", storage.DatabaseReachable ? "reachable" : "unreachable");
            if (storage.UnreachableSince is { } since)
            {
                json.WriteString("unreachable_since", since);
            }

            json.WriteNumber("backlog", storage.Backlog);
            json.WriteEndObject();
            json.WriteStartObject("limits");
            json.WriteString("store", limits is null ? "memory" : "redis");
            if (limits is not null)
            {
                json.WriteString("redis", limits.Available ? "reachable" : "unreachable");
                json.WriteString("when_unreachable", limits.Mode == Core.Configuration.RedisUnavailableMode.FailClosed ? "fail_closed" : "fail_open_local");
                if (limits.UnavailableSince is { } down)
                {
                    json.WriteString("unreachable_since", down);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        });
        return routes;
    }
}
