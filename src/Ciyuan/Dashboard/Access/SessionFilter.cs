using System.Security.Cryptography;
using System.Text;
using Ciyuan.AdminAccess;
using Ciyuan.Core.Admin;
using Ciyuan.Gateway.Errors;
using Ciyuan.Http;

namespace Ciyuan.Dashboard.Access;

/// <summary>
/// Guards the dashboard's data routes: a live session (else 401), and for every change the
/// session's CSRF token in <c>X-CSRF-Token</c> (else 403) and the admin role (a viewer gets 403).
/// </summary>
internal sealed class SessionFilter(DashboardSessions sessions) : IEndpointFilter
{
    public const string CsrfHeader = "X-CSRF-Token";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var session = await sessions.FindAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (session is null)
        {
            return new ErrorResult(GatewayErrors.Unauthorized("Sign in to the dashboard first (POST /ui/api/session with the master key or an admin token)."));
        }

        context.Items[typeof(AdminSession)] = session;
        if (IsChange(context.Request.Method))
        {
            if (!CsrfMatches(context.Request.Headers[CsrfHeader].ToString(), session.CsrfToken))
            {
                return new ErrorResult(GatewayErrors.Forbidden(
                    $"A change needs the session's CSRF token in {CsrfHeader}; reload the dashboard.", "csrf_token_missing"));
            }

            if (session.Role != AdminRole.Admin)
            {
                return new ErrorResult(AdminAccessFilter.ReadOnly(new AdminCaller(session.Role, session.Subject, session.TokenId)));
            }
        }

        return await next(invocation).ConfigureAwait(false);
    }

    public static bool IsChange(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    public static bool CsrfMatches(string presented, string expected) =>
        presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
