using System.Text.Json;
using Ciyuan.AdminAccess;
using Ciyuan.Core.Admin;
using Ciyuan.Dashboard.Views;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Errors;
using Ciyuan.Http;

namespace Ciyuan.Dashboard.Access;

/// <summary>
/// Signing in (<c>POST /ui/api/session</c> with the master key or an admin token, once), who is
/// signed in (<c>GET</c>), and signing out (<c>DELETE</c>, with the CSRF token).
/// </summary>
internal static partial class SessionRoutes
{
    /// <summary>A failed sign-in answers no sooner than this, so guessing the master key over HTTP is slow.</summary>
    private static readonly TimeSpan FailureDelay = TimeSpan.FromMilliseconds(300);

    public static RouteGroupBuilder MapSessionRoutes(this RouteGroupBuilder ui)
    {
        ui.MapPost("/api/session", SignInAsync);
        ui.MapDelete("/api/session", SignOutAsync);
        return ui;
    }

    private static async Task SignInAsync(HttpContext context, MasterKey masterKey, DashboardSessions sessions, ILogger<DashboardSessions> logger)
    {
        if (!masterKey.IsSet)
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.Forbidden(
                "The dashboard needs CIYUAN_MASTER_KEY: start `ciyuan serve` with it set, then sign in with it or an admin token.", "admin_disabled")).ConfigureAwait(false);
            return;
        }

        if (!SameOrigin(context.Request) || context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.Forbidden(
                "Sign in from the dashboard itself (a JSON body from the same origin).", "cross_origin")).ConfigureAwait(false);
            return;
        }

        string? secret = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("secret", out var value) && value.ValueKind == JsonValueKind.String)
            {
                secret = value.GetString();
            }
        }
        catch (JsonException)
        {
            // Answered below like a missing secret.
        }

        var signedIn = secret is { Length: > 0 } ? await sessions.SignInAsync(secret, context.RequestAborted).ConfigureAwait(false) : null;
        if (signedIn is not { } result)
        {
            await Task.Delay(FailureDelay, context.RequestAborted).ConfigureAwait(false);
            await ErrorAnswers.WriteAsync(context, GatewayErrors.Unauthorized(
                "That is neither the master key nor an active admin token.")).ConfigureAwait(false);
            return;
        }

        Log.SignedIn(logger, result.Session.Subject, result.Session.Role);
        SessionCookie.Write(context.Response, result.Id, context.Request.IsHttps);
        await WriteSessionAsync(context, result.Session).ConfigureAwait(false);
    }

    private static async Task SignOutAsync(HttpContext context, DashboardSessions sessions)
    {
        var session = await sessions.FindAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (session is not null && !SessionFilter.CsrfMatches(context.Request.Headers[SessionFilter.CsrfHeader].ToString(), session.CsrfToken))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.Forbidden(
                $"Signing out needs the session's CSRF token in {SessionFilter.CsrfHeader}.", "csrf_token_missing")).ConfigureAwait(false);
            return;
        }

        if (session is not null)
        {
            await sessions.SignOutAsync(session, context.RequestAborted).ConfigureAwait(false);
        }

        SessionCookie.Clear(context.Response, context.Request.IsHttps);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static Task DescribeAsync(HttpContext context) =>
        WriteSessionAsync(context, (AdminSession)context.Items[typeof(AdminSession)]!);

    private static async Task WriteSessionAsync(HttpContext context, AdminSession session)
    {
        var clock = context.RequestServices.GetRequiredService<DashboardClock>();
        await AdminEndpoints.WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteString("subject", session.Subject);
            json.WriteString("role", AdminRoles.Name(session.Role));
            json.WriteString("csrf_token", session.CsrfToken);
            json.WriteString("expires_at", session.ExpiresAt);
            json.WriteString("time_zone", clock.Zone.Id);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>A browser names the page's origin; a request from another site (or a page it framed) is refused.</summary>
    private static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DashboardSignIn, Level = LogLevel.Information, Message = "Dashboard sign-in: {Subject} ({Role})")]
        public static partial void SignedIn(ILogger logger, string subject, AdminRole role);
    }
}
