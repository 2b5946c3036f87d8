using System.Globalization;
using System.Text.Json;
using Ciyuan.Core.Configuration;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.State;

namespace Ciyuan.Http;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the models a key may use, in the shape of
/// the SDK that asks. Anthropic's SDKs always send <c>anthropic-version</c> and get Anthropic's
/// model objects and paging fields; every other client gets OpenAI's list with Ciyuan's catalog
/// facts per deployment.
/// </summary>
internal static class ModelEndpoints
{
    /// <summary>Aliases have no release date; both dialects get the Unix epoch rather than a made-up one.</summary>
    private static readonly DateTimeOffset UnknownRelease = DateTimeOffset.UnixEpoch;

    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", ListAsync);

        // Catch-all: aliases may contain slashes (e.g. "Qwen/Qwen3.5-27B").
        routes.MapGet("/v1/models/{**id}", RetrieveAsync);
        return routes;
    }

    private static bool IsAnthropic(HttpRequest request) => request.Headers.ContainsKey("anthropic-version");

    private static async Task ListAsync(HttpContext context)
    {
        if (await VisibleAliasesAsync(context).ConfigureAwait(false) is not { } aliases)
        {
            return;
        }

        if (IsAnthropic(context.Request))
        {
            await WriteAnthropicListAsync(context, aliases).ConfigureAwait(false);
            return;
        }

        var state = context.RequestServices.GetRequiredService<LiveConfig>().Current.State;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var alias in aliases)
        {
            WriteOpenAIModel(json, state, alias);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RetrieveAsync(HttpContext context, string id)
    {
        if (await VisibleAliasesAsync(context).ConfigureAwait(false) is not { } aliases)
        {
            return;
        }

        var name = Uri.UnescapeDataString(id);
        var alias = aliases.FirstOrDefault(a => a.Name == name);
        var anthropic = IsAnthropic(context.Request);
        if (alias is null)
        {
            var error = GatewayErrors.ModelNotFound(name);
            await ErrorAnswers.WriteAsync(context, error, anthropic ? AnthropicDoor.Messages : null).ConfigureAwait(false);
            return;
        }

        var state = context.RequestServices.GetRequiredService<LiveConfig>().Current.State;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        if (anthropic)
        {
            WriteAnthropicModel(json, state, alias);
        }
        else
        {
            WriteOpenAIModel(json, state, alias);
        }

        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The configured models the key may use, in config order; null when the key was refused (the
    /// error is already written). A model none of whose deployments the key's privacy policy admits is not listed.
    /// </summary>
    private static async Task<List<ModelAliasConfig>?> VisibleAliasesAsync(HttpContext context)
    {
        var authenticator = context.RequestServices.GetRequiredService<KeyAuthenticator>();
        if (authenticator.Authenticate(context.Request, out var authError) is not { } key)
        {
            var error = GatewayErrors.Unauthorized(authError!);
            await ErrorAnswers.WriteAsync(context, error, IsAnthropic(context.Request) ? AnthropicDoor.Messages : null).ConfigureAwait(false);
            return null;
        }

        var snapshot = context.RequestServices.GetRequiredService<LiveConfig>().Current;
        var state = snapshot.State;
        var policy = snapshot.Routing.Policies.Resolve(key.Policy, null).Policy;
        var visible = new List<ModelAliasConfig>(state.Config.Models.Count);
        foreach (var configured in state.Config.Models)
        {
            if (state.Aliases.TryGetValue(configured.Name, out var alias) && (policy is null || alias.Deployments.Any(policy.Admits)))
            {
                visible.Add(alias);
            }
        }

        return visible;
    }

    private static void WriteOpenAIModel(Utf8JsonWriter json, GatewayState state, ModelAliasConfig alias)
    {
        json.WriteStartObject();
        json.WriteString("id", alias.Name);
        json.WriteString("object", "model");
        json.WriteNumber("created", UnknownRelease.ToUnixTimeSeconds());
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

    /// <summary>
    /// Anthropic's list: <c>limit</c> (1–1000, default 20), <c>after_id</c> and <c>before_id</c> page
    /// through the models in config order, as Anthropic's SDKs expect when they auto-paginate.
    /// </summary>
    private static async Task WriteAnthropicListAsync(HttpContext context, List<ModelAliasConfig> aliases)
    {
        var query = context.Request.Query;
        var limit = 20;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest("limit: must be an integer from 1 to 1000", "invalid_limit", "limit"), AnthropicDoor.Messages).ConfigureAwait(false);
            return;
        }

        var start = 0;
        var end = aliases.Count;
        if (query["after_id"].ToString() is { Length: > 0 } after)
        {
            start = aliases.FindIndex(a => a.Name == after) + 1;
        }

        if (query["before_id"].ToString() is { Length: > 0 } before)
        {
            end = Math.Max(0, aliases.FindIndex(a => a.Name == before));
            start = Math.Max(start, end - limit);
        }

        var page = start < end ? aliases.GetRange(start, Math.Min(limit, end - start)) : [];
        var state = context.RequestServices.GetRequiredService<LiveConfig>().Current.State;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteStartArray("data");
        foreach (var alias in page)
        {
            WriteAnthropicModel(json, state, alias);
        }

        json.WriteEndArray();
        json.WriteBoolean("has_more", query.ContainsKey("before_id") ? start > 0 : start + page.Count < end);
        WriteIdOrNull(json, "first_id", page.Count > 0 ? page[0].Name : null);
        WriteIdOrNull(json, "last_id", page.Count > 0 ? page[^1].Name : null);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteAnthropicModel(Utf8JsonWriter json, GatewayState state, ModelAliasConfig alias)
    {
        json.WriteStartObject();
        json.WriteString("type", "model");
        json.WriteString("id", alias.Name);
        // The catalog's name only when the alias is the catalog model itself; a custom alias keeps its own name.
        var first = alias.Deployments[0];
        var catalogName = first.UpstreamModel == alias.Name ? state.CatalogModels.GetValueOrDefault(first.Id)?.DisplayName : null;
        json.WriteString("display_name", catalogName ?? alias.Name);
        json.WriteString("created_at", UnknownRelease.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

        // The limits every deployment can honour: the smallest context window and output cap among them (null when one is unknown).
        WriteSmallest(json, "max_input_tokens", alias, d => d.ContextWindow ?? state.CatalogModels.GetValueOrDefault(d.Id)?.ContextWindow);
        WriteSmallest(json, "max_tokens", alias, d => state.CatalogModels.GetValueOrDefault(d.Id)?.MaxOutput);
        json.WriteString("lifecycle", "active");
        json.WriteEndObject();
    }

    private static void WriteSmallest(Utf8JsonWriter json, string name, ModelAliasConfig alias, Func<DeploymentConfig, long?> fact)
    {
        long? smallest = null;
        foreach (var deployment in alias.Deployments)
        {
            if (fact(deployment) is not { } value)
            {
                json.WriteNull(name);
                return;
            }

            smallest = smallest is null ? value : Math.Min(smallest.Value, value);
        }

        json.WriteNumber(name, smallest ?? 0);
    }

    private static void WriteIdOrNull(Utf8JsonWriter json, string name, string? id)
    {
        if (id is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, id);
        }
    }
}
