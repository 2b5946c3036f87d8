using System.Text.Json;
using Ciyuan.Core.Budgets;

namespace Ciyuan.Http;

/// <summary>How budget lines and in-doubt holds look in admin responses (amounts as decimal strings, exact).</summary>
internal static class BudgetJson
{
    public static void Write(Utf8JsonWriter json, BudgetStatus status)
    {
        var line = status.Line;
        json.WriteStartObject();
        json.WriteString("id", line.Id);
        json.WriteString("scope", BudgetNames.Of(line.Scope));
        json.WriteString("subject", line.Subject);
        if (line.Model is null)
        {
            json.WriteNull("model");
        }
        else
        {
            json.WriteString("model", line.Model);
        }

        json.WriteString("period", BudgetNames.Of(line.Period));
        json.WriteString("currency", line.Currency);
        json.WriteString("limit", line.Limit.ToString());
        json.WriteString("spent", status.Spent.ToString());
        json.WriteString("held", status.Held.ToString());
        json.WriteString("remaining", status.Remaining.ToString());
        json.WriteString("window_start", status.WindowStart);
        json.WriteString("source", line.Source);
        json.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter json, InDoubtHold hold)
    {
        json.WriteStartObject();
        json.WriteString("request_id", hold.RequestId);
        json.WriteString("at", hold.At);
        json.WriteString("key_id", hold.KeyId);
        WriteOptional(json, "project", hold.Project);
        WriteOptional(json, "run", hold.RunId);
        json.WriteString("model", hold.Model);
        json.WriteString("provider", hold.Provider);
        json.WriteString("deployment", hold.Deployment);
        json.WriteString("held_usd", hold.HeldUsd.ToString());
        if (hold.ReleasedAt is { } released)
        {
            json.WriteString("released_at", released);
        }
        else
        {
            json.WriteNull("released_at");
        }

        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
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
