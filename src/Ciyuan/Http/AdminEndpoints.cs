using System.Text.Json;
using Ciyuan.AdminAccess;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.State;

namespace Ciyuan.Http;

/// <summary>
/// <c>/admin</c>: key management and usage reports, behind <c>CIYUAN_MASTER_KEY</c> or an admin token
/// (<see cref="AdminAccessFilter"/>). Without a master key the routes exist but refuse every call
/// with a message saying how to enable them.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/admin").AddEndpointFilter<AdminAccessFilter>().MapAdminRoutes();
        return routes;
    }

    /// <summary>The admin routes on a group whose filter decides who may call them (<c>/admin</c>, and the dashboard's API).</summary>
    public static RouteGroupBuilder MapAdminRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapPost("/keys", CreateKeyAsync);
        admin.MapDelete("/keys/{id}", RevokeKeyAsync);
        admin.MapPost("/keys/{id}/revoke", RevokeKeyAsync);
        admin.MapGet("/usage", UsageAsync);
        admin.MapBudgetRoutes();
        admin.MapReloadRoutes();
        return admin;
    }

    private static async Task ListKeysAsync(HttpContext context, KeyService keys)
    {
        var list = await keys.ListAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var key in list)
            {
                WriteKey(json, key, secret: null);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task CreateKeyAsync(HttpContext context, KeyService keys, KeyCache cache, LiveConfig live)
    {
        CreateKeyRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, AdminJsonContext.Default.CreateKeyRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest($"The body is not valid JSON: {ex.Message}", "invalid_json")).ConfigureAwait(false);
            return;
        }

        if (request?.Name is not { Length: > 0 } name)
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest("Give the key a 'name'.", "missing_name", "name")).ConfigureAwait(false);
            return;
        }

        var spec = new KeySpec(name)
        {
            BudgetUsd = request.BudgetUsd,
            RequestsPerMinute = request.Rpm,
            TokensPerMinute = request.Tpm,
            MaxConcurrency = request.MaxConcurrency,
            Policy = request.Policy,
            Project = request.Project,
        };
        if (spec.Problem() is { } problem)
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest($"Cannot create the key: {problem}.", "invalid_limits")).ConfigureAwait(false);
            return;
        }

        var routing = live.Current.Routing;
        if (request.Policy is { } policy && !routing.Policies.TryGet(policy, out _))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest(
                $"No privacy policy is named '{policy}'. Defined: {string.Join(", ", routing.Policies.Names.Order(StringComparer.Ordinal))}.", "unknown_policy", "policy")).ConfigureAwait(false);
            return;
        }

        var (key, secret) = await keys.CreateAsync(spec, context.RequestAborted).ConfigureAwait(false);
        await cache.ReloadAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, StatusCodes.Status201Created, json => WriteKey(json, key, secret)).ConfigureAwait(false);
    }

    private static async Task RevokeKeyAsync(HttpContext context, string id, KeyService keys, KeyCache cache)
    {
        if (!await keys.RevokeAsync(id, context.RequestAborted).ConfigureAwait(false))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.NotFound(
                $"No key has the id '{id}'. GET /admin/keys lists them.", "key_not_found")).ConfigureAwait(false);
            return;
        }

        await cache.ReloadAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteBoolean("revoked", true);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task UsageAsync(HttpContext context, IUsageReader reader)
    {
        var by = context.Request.Query["by"].ToString();
        if (!UsageGroupings.TryParse(by.Length == 0 ? "model" : by, out var grouping))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest(
                $"'by' must be one of: {UsageGroupings.Names}.", "invalid_grouping", "by")).ConfigureAwait(false);
            return;
        }

        if (!TryDay(context, "from", out var from) || !TryDay(context, "to", out var to))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest("'from' and 'to' must be UTC days as yyyy-MM-dd.", "invalid_day")).ConfigureAwait(false);
            return;
        }

        var query = new UsageQuery(KeyId: Param(context, "key"))
        {
            Project = Param(context, "project"),
            RunId = Param(context, "run"),
            Model = Param(context, "model"),
            Provider = Param(context, "provider"),
            FromDay = from,
            ToDay = to,
        };
        var rows = await reader.SummarizeAsync(grouping, query, context.RequestAborted).ConfigureAwait(false);

        // A run's report lists its requests; ?suspect=true lists the requests whose reported usage was not taken as is.
        var suspect = context.Request.Query["suspect"] == "true";
        var requests = query.RunId is null && !suspect
            ? null
            : await reader.ListAsync(query with { Limit = suspect ? 1000 : 100_000, SuspectOnly = suspect }, context.RequestAborted).ConfigureAwait(false);
        if (context.Request.Query["format"] == "csv")
        {
            context.Response.ContentType = "text/csv";
            await context.Response.WriteAsync(UsageReportWriter.ToCsv(rows), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, json => UsageReportWriter.WriteJson(json, grouping.ToString().ToLowerInvariant(), rows, requests)).ConfigureAwait(false);
    }

    /// <summary>A query parameter read as a UTC day; false when it is present but not <c>yyyy-MM-dd</c>.</summary>
    private static bool TryDay(HttpContext context, string name, out DateOnly? day)
    {
        day = null;
        if (Param(context, name) is not { } text)
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        day = parsed;
        return true;
    }

    private static string? Param(HttpContext context, string name) =>
        context.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    private static void WriteKey(Utf8JsonWriter json, ClientKey key, string? secret)
    {
        json.WriteStartObject();
        json.WriteString("id", key.Id);
        json.WriteString("name", key.Name);
        if (secret is not null)
        {
            json.WriteString("key", secret);
        }

        json.WriteString("prefix", key.Prefix);
        json.WriteString("created_at", key.CreatedAt);
        if (key.RevokedAt is { } revoked)
        {
            json.WriteString("revoked_at", revoked);
        }
        else
        {
            json.WriteNull("revoked_at");
        }

        if (key.BudgetMicroUsd is { } budget)
        {
            json.WriteString("budget_usd", new MicroUnits(budget).ToString());
        }

        if (key.RequestsPerMinute is { } rpm)
        {
            json.WriteNumber("rpm", rpm);
        }

        if (key.TokensPerMinute is { } tpm)
        {
            json.WriteNumber("tpm", tpm);
        }

        if (key.MaxConcurrency is { } concurrency)
        {
            json.WriteNumber("max_concurrency", concurrency);
        }

        if (key.Policy is { } policy)
        {
            json.WriteString("policy", policy);
        }

        if (key.Project is { } project)
        {
            json.WriteString("project", project);
        }

        json.WriteEndObject();
    }

    internal static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        write(json);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
