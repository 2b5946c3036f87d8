using System.Text.Json;
using Ciyuan.Gateway.Reload;

namespace Ciyuan.Http;

/// <summary>A reload's outcome as JSON, for <c>/admin/reload</c> and <c>/readyz</c>.</summary>
internal static class ReloadJson
{
    public static void Write(Utf8JsonWriter json, ReloadOutcome outcome)
    {
        json.WriteStartObject();
        json.WriteString("status", outcome.Status);
        json.WriteNumber("generation", outcome.Generation);
        json.WriteString("trigger", outcome.Trigger);
        json.WriteString("at", outcome.At);
        if (outcome.File is { } file)
        {
            json.WriteString("file", file);
        }

        if (outcome.Error is { } error)
        {
            json.WriteStartObject("error");
            json.WriteString("message", error);
            json.WriteString("path", outcome.ErrorPath ?? string.Empty);
            json.WriteEndObject();
        }

        json.WriteStartArray("warnings");
        foreach (var warning in outcome.Warnings)
        {
            json.WriteStringValue(warning);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
