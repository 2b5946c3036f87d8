using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.State;
using Ciyuan.Http;

namespace Ciyuan.Dashboard.Views;

/// <summary><c>GET /ui/api/route-explain?model=&amp;key=&amp;policy=&amp;max_tokens=</c>: the router's own explanation, as <c>ciyuan route explain</c> prints it.</summary>
internal static class RouteExplainRoute
{
    public static async Task ExplainAsync(HttpContext context, LiveConfig live, KeyService keys, string? model, string? key, string? policy, long? max_tokens)
    {
        if (model is not { Length: > 0 })
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest("Give 'model': the model (alias) a request would name.", "missing_model", "model")).ConfigureAwait(false);
            return;
        }

        string? keyPolicy = null;
        if (key is { Length: > 0 })
        {
            var found = (await keys.ListAsync(context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(k => k.Id == key);
            if (found is null)
            {
                await ErrorAnswers.WriteAsync(context, GatewayErrors.NotFound( $"No key has the id '{key}'.", "key_not_found", "key")).ConfigureAwait(false);
                return;
            }

            keyPolicy = found.Policy;
        }

        var explanation = live.Current.Routing.Router.Explain(new RouteRequest
        {
            Alias = model,
            KeyPolicy = keyPolicy,
            RequestPolicy = policy is { Length: > 0 } ? policy : null,
            MaxOutputTokens = max_tokens,
        });
        await AdminEndpoints.WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteBoolean("routable", explanation.Outcome == RouteErrorKind.None);
            json.WriteString("text", explanation.Format());
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }
}
