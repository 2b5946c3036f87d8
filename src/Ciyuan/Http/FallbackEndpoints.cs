using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;

namespace Ciyuan.Http;

/// <summary>
/// What answers when no route does: <c>GET</c>/<c>HEAD /</c> (clients and load balancers probe the
/// base URL), and a JSON error for every unknown path in the dialect of that path — Anthropic's
/// shape under <c>/v1/messages</c> and <c>/v1/complete</c> or when the client sent
/// <c>anthropic-version</c>, OpenAI's otherwise — never an empty 404. A known path asked with the
/// wrong method is a 405 naming the methods it takes.
/// </summary>
internal static class FallbackEndpoints
{
    public static IEndpointRouteBuilder MapFallbackEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], static context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"name":"ciyuan","status":"ok","openai_base_url":"/v1","anthropic_base_url":"/"}""");
        });
        routes.MapFallback(UnknownRouteAsync);
        return routes;
    }

    private static Task UnknownRouteAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var allowed = MethodsFor(context, path);
        if (allowed.Count > 0)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
        }

        var message = allowed.Count > 0
            ? $"{request.Method} is not allowed on {path}; it takes {string.Join(", ", allowed)}."
            : $"There is no route {request.Method} {path}. OpenAI clients use /v1/chat/completions, /v1/responses, /v1/embeddings and /v1/models; Anthropic clients use /v1/messages.";
        var error = allowed.Count > 0 ? GatewayErrors.MethodNotAllowed(message) : GatewayErrors.NotFound(message, "unknown_route");
        return ErrorAnswers.WriteAsync(context, error, IsAnthropic(request, path) ? AnthropicDoor.Messages : null);
    }

    private static bool IsAnthropic(HttpRequest request, string path) =>
        path.StartsWith("/v1/messages", StringComparison.Ordinal) || path.StartsWith("/v1/complete", StringComparison.Ordinal)
        || request.Headers.ContainsKey("anthropic-version");

    /// <summary>The methods of the literal routes (no parameters) whose path is exactly <paramref name="path"/>.</summary>
    private static List<string> MethodsFor(HttpContext context, string path)
    {
        var methods = new List<string>();
        foreach (var source in context.RequestServices.GetServices<EndpointDataSource>())
        {
            foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
            {
                if (endpoint.RoutePattern.Parameters.Count == 0
                    && string.Equals("/" + endpoint.RoutePattern.RawText?.TrimStart('/'), path, StringComparison.OrdinalIgnoreCase)
                    && endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is { } metadata)
                {
                    methods.AddRange(metadata.HttpMethods.Where(m => !methods.Contains(m)));
                }
            }
        }

        return methods;
    }
}
