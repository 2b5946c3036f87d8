using Ciyuan.Pipeline;

namespace Ciyuan.Http;

/// <summary>The Anthropic-dialect routes.</summary>
internal static class AnthropicEndpoints
{
    public static IEndpointRouteBuilder MapAnthropicEndpoints(this IEndpointRouteBuilder routes)
    {
        var handler = routes.ServiceProvider.GetRequiredService<AnthropicMessagesHandler>();
        routes.MapPost("/v1/messages", handler.HandleAsync);
        return routes;
    }
}
