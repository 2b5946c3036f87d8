using System.Text.Json;
using Ciyuan.Hosting;
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
        routes.MapGet("/v1/models", ListModelsAsync);
        return routes;
    }

    private static async Task ListModelsAsync(HttpContext context)
    {
        var authenticator = context.RequestServices.GetRequiredService<ClientAuthenticator>();
        if (authenticator.Authenticate(context.Request, out var error) is not { } key)
        {
            await OpenAIErrorWriter.WriteAsync(context, OpenAIError.Unauthorized(error!)).ConfigureAwait(false);
            return;
        }

        var state = context.RequestServices.GetRequiredService<GatewayState>();

        // "The models this key may use": a model none of whose deployments the key's privacy policy admits is not listed.
        var policy = context.RequestServices.GetRequiredService<GatewayRouting>().Policies.Resolve(key.Policy, null).Policy;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var configured in state.Config.Models)
        {
            if (!state.Aliases.TryGetValue(configured.Name, out var alias) || (policy is not null && !alias.Deployments.Any(policy.Admits)))
            {
                continue;
            }

            json.WriteStartObject();
            json.WriteString("id", alias.Name);
            json.WriteString("object", "model");
            json.WriteNumber("created", 0);
            json.WriteString("owned_by", alias.Deployments[0].Provider.Name);
            json.WriteStartArray("deployments");
            foreach (var deployment in alias.Deployments)
            {
                json.WriteStartObject();
                json.WriteString("id", deployment.Id);
                json.WriteString("provider", deployment.Provider.Name);
                json.WriteString("jurisdiction", deployment.Provider.Jurisdiction);
                CatalogFactsWriter.Write(json, state.CatalogModels.GetValueOrDefault(deployment.Id), state.PriceOf(deployment));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
