using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Http;

/// <summary>The front doors: each route hands its requests to the one pipeline with its door's codec.</summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapGatewayEndpoints(this IEndpointRouteBuilder routes)
    {
        var pipeline = routes.ServiceProvider.GetRequiredService<GatewayPipeline>();
        routes.MapPost("/v1/chat/completions", context => pipeline.RunAsync(new HttpClientExchange(context), OpenAIDoor.Chat));
        routes.MapPost("/v1/embeddings", context => pipeline.RunAsync(new HttpClientExchange(context), OpenAIDoor.Embeddings));
        routes.MapPost("/v1/messages", context => pipeline.RunAsync(new HttpClientExchange(context), AnthropicDoor.Messages));
        return routes;
    }
}
