using Ciyuan.Dashboard.Access;
using Ciyuan.Dashboard.Assets;
using Ciyuan.Dashboard.Live;
using Ciyuan.Dashboard.Views;
using Ciyuan.Gateway.Errors;
using Ciyuan.Http;

namespace Ciyuan.Dashboard;

/// <summary>
/// <c>/ui</c>: the dashboard's files, sign-in and sign-out, and its data routes — all of which need a
/// session (<see cref="SessionFilter"/>). Changes go through the same handlers as <c>/admin</c>
/// (mounted at <c>/ui/api/admin</c>), so the dashboard and the admin API cannot disagree.
/// </summary>
internal static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var ui = routes.MapGroup("/ui").AddEndpointFilter(static async (invocation, next) =>
        {
            DashboardHeaders.Apply(invocation.HttpContext.Response);
            return await next(invocation).ConfigureAwait(false);
        });
        ui.MapGet("/", static (HttpContext context, DashboardAssets assets) => IndexAsync(context, assets));
        ui.MapGet("/{**path}", static (HttpContext context, DashboardAssets assets, string path) => ServeAsync(context, assets, path));
        ui.MapSessionRoutes();

        var api = ui.MapGroup("/api").AddEndpointFilter<SessionFilter>();
        api.MapGet("/session", SessionRoutes.DescribeAsync);
        api.MapGet("/overview", static async (HttpContext context, OverviewView view) =>
            await WriteAsync(context, await view.BuildAsync(context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        api.MapGet("/share", ShareAsync);
        api.MapGet("/elsewhere", ElsewhereAsync);
        api.MapGet("/requests", static async (HttpContext context, RequestsView view, int? limit) =>
            await WriteAsync(context, await view.BuildAsync(limit ?? 100, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        api.MapGet("/runs", static async (HttpContext context, RunsView view) =>
            await WriteAsync(context, await view.ListAsync(context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        api.MapGet("/runs/{id}", static async (HttpContext context, RunsView view, string id) =>
            await WriteAsync(context, await view.RunAsync(id, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        api.MapGet("/deployments", static (HttpContext context, DeploymentsView view) => WriteAsync(context, view.Build()));
        api.MapGet("/route-explain", RouteExplainRoute.ExplainAsync);
        api.MapGet("/catalog", static (HttpContext context, CatalogView view) => WriteAsync(context, view.Json));
        api.MapGet("/events", EventStream.RunAsync);
        api.MapGroup("/admin").MapAdminRoutes();
        return routes;
    }

    public static async Task WriteAsync(HttpContext context, byte[] json, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The page at <c>/ui/</c>; <c>/ui</c> redirects there so the page's relative links resolve under <c>/ui/</c>.</summary>
    private static Task IndexAsync(HttpContext context, DashboardAssets assets)
    {
        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            context.Response.Redirect("/ui/");
            return Task.CompletedTask;
        }

        return ServeAsync(context, assets, "index.html");
    }

    private static async Task ServeAsync(HttpContext context, DashboardAssets assets, string path)
    {
        if (assets.Find(path) is not { } asset)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        await context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ShareAsync(HttpContext context, ShareView view, string? window, string? by)
    {
        window ??= "7d";
        by ??= "model";
        if (!ShareView.Windows.Contains(window) || !ShareView.Groupings.Contains(by))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest(
                $"'window' must be one of {string.Join(", ", ShareView.Windows)} and 'by' one of {string.Join(", ", ShareView.Groupings)}.", "invalid_share_query")).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, await view.BuildAsync(window, by, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static async Task ElsewhereAsync(HttpContext context, ElsewhereView view, string? window, string? models)
    {
        window ??= "month";
        if (!ElsewhereView.Windows.Contains(window))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest(
                $"'window' must be one of {string.Join(", ", ElsewhereView.Windows)}.", "invalid_window", "window")).ConfigureAwait(false);
            return;
        }

        var ids = (models ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(12).ToArray();
        await WriteAsync(context, await view.BuildAsync(window, ids, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
