using System.Text.Json;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Lifecycle;
using Ciyuan.Gateway.Reload;
using Ciyuan.Gateway.State;
using Ciyuan.Storage;
using Ciyuan.Storage.Redis;

namespace Ciyuan.Http;

/// <summary>
/// Liveness and readiness for load balancers and orchestrators. <c>/readyz</c> is 503 while the keys
/// are loading and from the first stop signal on (so traffic moves away before the listener closes);
/// otherwise 200, with <c>status: degraded</c> and the details when the database or the shared
/// limit store cannot be reached (the instance still answers, with 503s for what needs them, and
/// writes served requests down when the database is back). Its body also tells which configuration
/// generation serves and whether the file on disk was refused.
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
            var storage = services.GetRequiredService<IStorageBackend>().Health;
            var limits = services.GetService<Core.Limits.ILimitCounters>() as GuardedLimitCounters;
            var degraded = !storage.DatabaseReachable || limits is { Available: false };
            var status = services.GetRequiredService<GatewayDrain>().IsDraining ? "draining"
                : !services.GetRequiredService<KeyCache>().IsLoaded ? "starting"
                : degraded ? "degraded"
                : "ready";
            context.Response.StatusCode = status is "ready" or "degraded" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
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

            WriteStorage(json, storage);
            WriteLimits(json, limits);
            json.WriteEndObject();
            json.Flush();
            return Task.CompletedTask;
        });
        return routes;
    }

    private static void WriteStorage(Utf8JsonWriter json, StorageHealth storage)
    {
        json.WriteStartObject("storage");
        json.WriteString("backend", storage.Backend);
        json.WriteString("database", storage.DatabaseReachable ? "reachable" : "unreachable");
        if (storage.UnreachableSince is { } since)
        {
            json.WriteString("unreachable_since", since);
        }

        json.WriteNumber("backlog", storage.Backlog);
        json.WriteEndObject();
    }

    private static void WriteLimits(Utf8JsonWriter json, GuardedLimitCounters? limits)
    {
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
    }
}
