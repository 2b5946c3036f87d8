using System.Text.Json;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Errors;

namespace Ciyuan.Http;

/// <summary>
/// <c>/admin/budgets</c> (create, change, delete, read what remains) and <c>/admin/in-doubt</c>
/// (requests in flight when an instance died, and their release). Lines from the config file and
/// keys' own caps are listed but changed where they were defined.
/// </summary>
internal static class BudgetEndpoints
{
    public static RouteGroupBuilder MapBudgetRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/budgets", ListAsync);
        admin.MapGet("/budgets/{id}", GetAsync);
        admin.MapPost("/budgets", CreateAsync);
        admin.MapPatch("/budgets/{id}", ChangeAsync);
        admin.MapDelete("/budgets/{id}", DeleteAsync);
        admin.MapGet("/in-doubt", ListInDoubtAsync);
        admin.MapPost("/in-doubt/{requestId}/release", ReleaseInDoubtAsync);
        return admin;
    }

    private static async Task ListAsync(HttpContext context, BudgetLines lines, IBudgetLedger ledger, TimeProvider time)
    {
        var statuses = await ledger.StatusAsync(lines.All, time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        await AdminEndpoints.WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var status in statuses)
            {
                BudgetJson.Write(json, status);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext context, string id, BudgetLines lines, IBudgetLedger ledger, TimeProvider time)
    {
        if (lines.Find(id) is not { } line)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        await WriteStatusAsync(context, StatusCodes.Status200OK, line, ledger, time).ConfigureAwait(false);
    }

    private static async Task CreateAsync(HttpContext context, BudgetLines lines, IBudgetStore store, IBudgetLedger ledger, TimeProvider time)
    {
        using var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        var root = body.RootElement;
        if (!BudgetNames.TryParseScope(Text(root, "scope"), out var scope))
        {
            await InvalidAsync(context, "Give 'scope': project, key or run.", "scope").ConfigureAwait(false);
            return;
        }

        if (Text(root, "subject") is not { Length: > 0 } subject)
        {
            await InvalidAsync(context, "Give 'subject': the project name, key id or name, or run id the budget caps.", "subject").ConfigureAwait(false);
            return;
        }

        var line = new BudgetLine
        {
            Id = $"bud_{Guid.NewGuid():N}"[..20],
            Scope = scope,
            Subject = subject,
            Limit = MicroUnits.Zero,
            Currency = Currencies.Usd,
            Source = "admin",
        };
        line = await ApplyChangesAsync(context, root, line, requireAmount: true).ConfigureAwait(false);
        if (line is null)
        {
            return;
        }

        await store.SaveAsync(line, context.RequestAborted).ConfigureAwait(false);
        await lines.ReloadAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteStatusAsync(context, StatusCodes.Status201Created, line, ledger, time).ConfigureAwait(false);
    }

    private static async Task ChangeAsync(HttpContext context, string id, BudgetLines lines, IBudgetStore store, IBudgetLedger ledger, TimeProvider time)
    {
        if (lines.Find(id) is not { } existing)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        if (existing.Source != "admin")
        {
            await NotChangeableAsync(context, existing).ConfigureAwait(false);
            return;
        }

        using var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        var changed = await ApplyChangesAsync(context, body.RootElement, existing, requireAmount: false).ConfigureAwait(false);
        if (changed is null)
        {
            return;
        }

        await store.SaveAsync(changed, context.RequestAborted).ConfigureAwait(false);
        await lines.ReloadAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteStatusAsync(context, StatusCodes.Status200OK, changed, ledger, time).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpContext context, string id, BudgetLines lines, IBudgetStore store)
    {
        if (lines.Find(id) is not { } existing)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        if (existing.Source != "admin")
        {
            await NotChangeableAsync(context, existing).ConfigureAwait(false);
            return;
        }

        await store.DeleteAsync(id, context.RequestAborted).ConfigureAwait(false);
        await lines.ReloadAsync(context.RequestAborted).ConfigureAwait(false);
        await AdminEndpoints.WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteBoolean("deleted", true);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task ListInDoubtAsync(HttpContext context, IBudgetLedger ledger)
    {
        var holds = await ledger.ListInDoubtAsync(context.RequestAborted).ConfigureAwait(false);
        await AdminEndpoints.WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var hold in holds)
            {
                BudgetJson.Write(json, hold);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task ReleaseInDoubtAsync(HttpContext context, string requestId, IBudgetLedger ledger, TimeProvider time)
    {
        if (!await ledger.ReleaseInDoubtAsync(requestId, time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false))
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.NotFound(
                $"No unreleased in-doubt request has the id '{requestId}'. GET /admin/in-doubt lists them.", "not_in_doubt")).ConfigureAwait(false);
            return;
        }

        await AdminEndpoints.WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteString("request_id", requestId);
            json.WriteBoolean("released", true);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>Applies amount, period and model from a body; null (after answering 400) when one is wrong.</summary>
    private static async Task<BudgetLine?> ApplyChangesAsync(HttpContext context, JsonElement root, BudgetLine line, bool requireAmount)
    {
        var usd = Amount(root, "usd");
        var cny = Amount(root, "cny");
        if (usd is { Problem: true } || cny is { Problem: true } || (usd is not null && cny is not null) || (requireAmount && usd is null && cny is null))
        {
            await InvalidAsync(context, "Give exactly one amount, 'usd' or 'cny', as a number >= 0.", "usd").ConfigureAwait(false);
            return null;
        }

        if (usd is { } u)
        {
            line = line with { Limit = MicroUnits.FromDecimal(u.Value), Currency = Currencies.Usd };
        }
        else if (cny is { } c)
        {
            line = line with { Limit = MicroUnits.FromDecimal(c.Value), Currency = Currencies.Cny };
        }

        if (root.TryGetProperty("period", out _))
        {
            if (!BudgetNames.TryParsePeriod(Text(root, "period"), out var period))
            {
                await InvalidAsync(context, "'period' must be total, daily or monthly.", "period").ConfigureAwait(false);
                return null;
            }

            line = line with { Period = period };
        }

        if (root.TryGetProperty("model", out var model))
        {
            line = line with { Model = model.ValueKind == JsonValueKind.String && model.GetString() is { Length: > 0 } name ? name : null };
        }

        return line;
    }

    private static (decimal Value, bool Problem)? Amount(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount) && amount >= 0 ? (amount, false)
        : (0, true);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<JsonDocument?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            await InvalidAsync(context, "The body must be a JSON object.", null).ConfigureAwait(false);
            return null;
        }
        catch (JsonException ex)
        {
            await ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest($"The body is not valid JSON: {ex.Message}", "invalid_json")).ConfigureAwait(false);
            return null;
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, int status, BudgetLine line, IBudgetLedger ledger, TimeProvider time)
    {
        var statuses = await ledger.StatusAsync([line], time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        await AdminEndpoints.WriteJsonAsync(context, status, json => BudgetJson.Write(json, statuses[0])).ConfigureAwait(false);
    }

    private static Task InvalidAsync(HttpContext context, string message, string? param) =>
        ErrorAnswers.WriteAsync(context, GatewayErrors.InvalidRequest(message, "invalid_budget", param));

    private static Task NotFoundAsync(HttpContext context, string id) =>
        ErrorAnswers.WriteAsync(context, GatewayErrors.NotFound(
            $"No budget has the id '{id}'. GET /admin/budgets lists them.", "budget_not_found"));

    private static Task NotChangeableAsync(HttpContext context, BudgetLine line) =>
        ErrorAnswers.WriteAsync(context, GatewayErrors.Conflict(
            line.Source == "config"
                ? $"The budget '{line.Id}' is defined in the config file; change it there (the gateway reloads the file when it changes)."
                : $"The budget '{line.Id}' is a key's own cap; create an admin budget for the key instead.",
            "budget_not_changeable"));
}
