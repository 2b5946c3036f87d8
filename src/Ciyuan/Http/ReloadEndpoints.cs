using System.Text.Json;
using Ciyuan.Gateway.Reload;

namespace Ciyuan.Http;

/// <summary>
/// <c>POST /admin/reload</c> reads the config file again and applies it if it is valid (200 with the
/// new generation, or <c>"unchanged"</c>), or keeps the running one and says why (422 with the error
/// and the field's path). <c>GET /admin/reload</c> reports the last reload, whatever triggered it.
/// </summary>
internal static class ReloadEndpoints
{
    public static RouteGroupBuilder MapReloadRoutes(this RouteGroupBuilder admin)
    {
        admin.MapPost("/reload", static async (HttpContext context, ConfigReloader reloader) =>
        {
            var outcome = await reloader.ReloadAsync(ReloadTriggers.Api, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, outcome.Status == ReloadOutcome.Rejected ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK, outcome).ConfigureAwait(false);
        });
        admin.MapGet("/reload", static async (HttpContext context, ConfigReloader reloader) =>
        {
            if (reloader.Last is { } last)
            {
                await WriteAsync(context, StatusCodes.Status200OK, last).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"status\":\"none\"}").ConfigureAwait(false);
        });
        return admin;
    }

    private static async Task WriteAsync(HttpContext context, int status, ReloadOutcome outcome)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        ReloadJson.Write(json, outcome);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
