using Ciyuan.Pipeline;

namespace Ciyuan.Http;

/// <summary>The OpenAI-dialect routes under <c>/v1</c>.</summary>
internal static class OpenAIEndpoints
{
    public static IEndpointRouteBuilder MapOpenAIEndpoints(this IEndpointRouteBuilder routes)
    {
        var handler = routes.ServiceProvider.GetRequiredService<OpenAIProxyHandler>();
        routes.MapPost("/v1/chat/completions", handler.HandleChatAsync);
        routes.MapPost("/v1/embeddings", handler.HandleEmbeddingsAsync);
        return routes;
    }
}
