using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Responses;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Pipeline;
using Ciyuan.Gateway.State;
using Ciyuan.Storage;

namespace Ciyuan.Http;

/// <summary>
/// The OpenAI Responses routes: <c>POST /v1/responses</c> through the pipeline, and the stored
/// responses of the caller's project — <c>GET</c> and <c>DELETE /v1/responses/{id}</c>,
/// <c>GET /v1/responses/{id}/input_items</c> (paged by cursor as OpenAI pages it) — and
/// <c>POST /v1/responses/input_tokens</c>, a count that sends nothing upstream. Another project's
/// response is as absent as one never stored: 404.
/// </summary>
internal static class ResponsesEndpoints
{
    public static IEndpointRouteBuilder MapResponsesEndpoints(this IEndpointRouteBuilder routes)
    {
        var pipeline = routes.ServiceProvider.GetRequiredService<GatewayPipeline>();
        routes.MapPost("/v1/responses", context => pipeline.RunAsync(new HttpClientExchange(context), ResponsesDoor.Responses));
        routes.MapPost("/v1/responses/input_tokens", CountAsync);
        routes.MapGet("/v1/responses/{id}", RetrieveAsync);
        routes.MapDelete("/v1/responses/{id}", DeleteAsync);
        routes.MapGet("/v1/responses/{id}/input_items", ListInputItemsAsync);
        return routes;
    }

    private static async Task RetrieveAsync(HttpContext context, string id)
    {
        if (await OwnerAsync(context).ConfigureAwait(false) is not { } owner)
        {
            return;
        }

        if (context.Request.Query["stream"] == "true")
        {
            await FailAsync(context, GatewayErrors.InvalidRequest(
                "Streaming a stored response is for background responses, which Ciyuan does not offer; GET it without stream.", "invalid_value", "stream")).ConfigureAwait(false);
            return;
        }

        var store = context.RequestServices.GetRequiredService<IResponseStore>();
        if (await ReadAsync(context, () => store.GetAsync(owner, id, context.RequestAborted)).ConfigureAwait(false) is not { } found)
        {
            return;
        }

        if (found.Value is not { } response)
        {
            await FailAsync(context, ResponsesErrors.ResponseNotFound(id)).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpContext context, string id)
    {
        if (await OwnerAsync(context).ConfigureAwait(false) is not { } owner)
        {
            return;
        }

        var store = context.RequestServices.GetRequiredService<IResponseStore>();
        if (await ReadAsync(context, () => store.DeleteAsync(owner, id, context.RequestAborted)).ConfigureAwait(false) is not { } deleted)
        {
            return;
        }

        if (!deleted.Value)
        {
            await FailAsync(context, ResponsesErrors.ResponseNotFound(id)).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "response");
        json.WriteBoolean("deleted", true);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ListInputItemsAsync(HttpContext context, string id)
    {
        if (await OwnerAsync(context).ConfigureAwait(false) is not { } owner)
        {
            return;
        }

        var query = context.Request.Query;
        var limit = 20;
        if (query["limit"].FirstOrDefault() is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            await FailAsync(context, GatewayErrors.InvalidRequest("limit must be a whole number from 1 to 100.", "invalid_value", "limit")).ConfigureAwait(false);
            return;
        }

        var order = query["order"].FirstOrDefault() ?? "desc";
        if (order is not ("asc" or "desc"))
        {
            await FailAsync(context, GatewayErrors.InvalidRequest("order must be asc or desc.", "invalid_value", "order")).ConfigureAwait(false);
            return;
        }

        var store = context.RequestServices.GetRequiredService<IResponseStore>();
        var itemsQuery = new ItemsQuery(limit, order == "asc", query["after"].FirstOrDefault(), query["before"].FirstOrDefault());
        if (await ReadAsync(context, () => store.ListInputItemsAsync(owner, id, itemsQuery, context.RequestAborted)).ConfigureAwait(false) is not { } listed)
        {
            return;
        }

        if (listed.Value is not { } page)
        {
            await FailAsync(context, ResponsesErrors.ResponseNotFound(id)).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var item in page.Items)
        {
            json.WriteRawValue(item.Json, skipInputValidation: true);
        }

        json.WriteEndArray();
        WriteNullable(json, "first_id", page.Items.Count > 0 ? page.Items[0].Id : null);
        WriteNullable(json, "last_id", page.Items.Count > 0 ? page.Items[^1].Id : null);
        json.WriteBoolean("has_more", page.HasMore);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Intake and admission as for any request (the counting body limit), the stored conversation recalled, then counted.</summary>
    private static async Task CountAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var limits = services.GetRequiredService<AdmitStage>();
        var door = ResponsesDoor.InputTokens;
        var client = new HttpClientExchange(http);
        var maxBytes = services.GetRequiredService<LiveConfig>().Current.Config.Server.MaxTokenizeBytes;
        var read = await services.GetRequiredService<IntakeStage>().ReadAsync(client, door, maxBytes, "server.max_tokenize_bytes").ConfigureAwait(false);
        if (read.Context is not { } request)
        {
            await AnswerErrors.WriteAsync(client, door, read.RequestId, read.Error!).ConfigureAwait(false);
            return;
        }

        using (request)
        {
            if (await limits.AdmitAsync(request, estimatedTokens: 0).ConfigureAwait(false) is { } limited)
            {
                await AnswerErrors.WriteAsync(request, limited).ConfigureAwait(false);
                return;
            }

            try
            {
                if (await services.GetRequiredService<RecallStage>().RecallAsync(request).ConfigureAwait(false) is { } unrecalled)
                {
                    await AnswerErrors.WriteAsync(request, unrecalled).ConfigureAwait(false);
                    return;
                }

                ChatRequest canonical;
                try
                {
                    canonical = door.Decode(request.Body.Span);
                }
                catch (TranslationException ex)
                {
                    await AnswerErrors.WriteAsync(request, GatewayErrors.InvalidRequest(ex.Message, "invalid_request_error", ex.Field)).ConfigureAwait(false);
                    return;
                }

                var tokenizer = request.Snapshot.Tokens.For(request.Alias);
                var count = TokenCounter.CountChat(tokenizer, canonical);
                http.Response.Headers[TokenizeEndpoints.CountHeader] = tokenizer.IsExact ? "exact" : "estimated";
                http.Response.ContentType = "application/json";
                await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
                json.WriteStartObject();
                json.WriteString("object", "response.input_tokens");
                json.WriteNumber("input_tokens", count);
                json.WriteBoolean("exact", tokenizer.IsExact);
                json.WriteString("tokenizer", tokenizer.Family);
                json.WriteEndObject();
                await json.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                await limits.FinishAsync(request).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The caller's owner scope, or null after writing the 401.</summary>
    private static async Task<string?> OwnerAsync(HttpContext context)
    {
        var authenticator = context.RequestServices.GetRequiredService<KeyAuthenticator>();
        if (authenticator.Authenticate(context.Request, out var error) is { } key)
        {
            return ResponseOwners.Of(key);
        }

        await FailAsync(context, GatewayErrors.Unauthorized(error!)).ConfigureAwait(false);
        return null;
    }

    /// <summary>A store read; null after writing a 503 when the store is away.</summary>
    private static async Task<StrongBox<T>?> ReadAsync<T>(HttpContext context, Func<Task<T>> read)
    {
        try
        {
            return new StrongBox<T>(await read().ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is StorageException or System.Data.Common.DbException)
        {
            await FailAsync(context, ResponsesErrors.StoreUnavailable).ConfigureAwait(false);
            return null;
        }
    }

    private static Task FailAsync(HttpContext context, GatewayError error) =>
        AnswerErrors.WriteAsync(new HttpClientExchange(context), ResponsesDoor.Responses, RequestIds.New(), error);

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

}
