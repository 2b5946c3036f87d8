using System.Globalization;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>Writes a <see cref="GatewayError"/> as a whole answer in the shape of the door the request came in by.</summary>
internal static class AnswerErrors
{
    public static Task WriteAsync(GatewayContext context, GatewayError error)
    {
        context.AnsweredError = error;
        return WriteAsync(context.Client, context.Door, context.RequestId, error);
    }

    public static async Task WriteAsync(ClientExchange client, IDoor door, string requestId, GatewayError error)
    {
        if (client.HasStarted)
        {
            return;
        }

        var (status, body) = door.EncodeError(error, requestId);
        client.SetStatus(status);
        if (error.RetryAfter is { } wait)
        {
            client.SetHeader("Retry-After", Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        client.SetContentType("application/json");
        client.SetContentLength(body.Length);
        await client.WriteBodyAsync(body).ConfigureAwait(false);
    }
}
