using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;

namespace Ciyuan.Http;

/// <summary>
/// The last line of defence: an exception no handler expected becomes a 500 with a JSON error in
/// the route's dialect (naming the request id, never the exception) instead of an empty answer,
/// and one error log line for the operator. Every input the gateway knows to be bad has its own
/// 4xx; reaching this is a bug to fix.
/// </summary>
internal static partial class UnhandledErrors
{
    public static IApplicationBuilder UseUnhandledErrors(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Ciyuan.Http");
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested))
            {
                // Once an answer has started, the server itself ends the connection as it must.
                var requestId = context.Response.Headers[CiyuanHeaders.RequestId].ToString();
                Log.Unhandled(logger, context.Request.Method, context.Request.Path.Value ?? "/", requestId, ex);

                var door = context.Request.Path.StartsWithSegments("/v1/messages", StringComparison.Ordinal) ? AnthropicDoor.Messages : null;
                await ErrorAnswers.WriteAsync(context, GatewayErrors.Internal(requestId), door).ConfigureAwait(false);
            }
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UnhandledError, Level = LogLevel.Error, Message = "{Method} {Path} (request {RequestId}) failed unexpectedly")]
        public static partial void Unhandled(ILogger logger, string method, string path, string requestId, Exception exception);
    }
}
