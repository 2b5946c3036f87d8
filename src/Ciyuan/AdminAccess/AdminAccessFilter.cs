using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Errors;
using Ciyuan.Http;

namespace Ciyuan.AdminAccess;

/// <summary>
/// Guards <c>/admin</c>: the master key or an admin token as <c>Authorization: Bearer</c>; a viewer
/// token may only read. A refusal is an answer, not an exception: anonymous callers cost one JSON
/// body and no log line above debug.
/// </summary>
internal sealed partial class AdminAccessFilter(MasterKey masterKey, AdminAuthenticator authenticator, ILogger<AdminAccessFilter> logger) : IEndpointFilter
{
    public const string DisabledMessage = "The admin API is disabled: start `ciyuan serve` with CIYUAN_MASTER_KEY set to enable it.";

    public const string UnauthorizedMessage =
        "The admin API needs the master key (CIYUAN_MASTER_KEY) or an admin token (`ciyuan admins create`) as 'Authorization: Bearer SECRET'.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (!masterKey.IsSet)
        {
            return new ErrorResult(GatewayErrors.Forbidden( DisabledMessage, "admin_disabled"));
        }

        var caller = await authenticator.AuthenticateAsync(AdminAuthenticator.BearerOf(context.Request).ToString(), context.RequestAborted).ConfigureAwait(false);
        if (caller is null)
        {
            Log.Refused(logger, context.Request.Method, context.Request.Path.Value ?? "");
            return new ErrorResult(GatewayErrors.Unauthorized(UnauthorizedMessage));
        }

        if (!caller.CanChange && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            return new ErrorResult(ReadOnly(caller));
        }

        return await next(invocation).ConfigureAwait(false);
    }

    public static GatewayError ReadOnly(AdminCaller caller) => GatewayErrors.Forbidden(
        $"The admin token '{caller.Subject}' has the viewer role: it can read every figure but change nothing. Use an admin token or the master key.",
        "read_only_role");

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AdminRefused, Level = LogLevel.Debug, Message = "Refused an admin call without a valid admin secret: {Method} {Path}")]
        public static partial void Refused(ILogger logger, string method, string path);
    }
}
