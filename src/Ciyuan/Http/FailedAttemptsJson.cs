using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Http;

/// <summary><c>"failed_attempts": [{"deployment","reason","status"?}]</c> of a ledger line, for the CLI, the admin API and the dashboard.</summary>
internal static class FailedAttemptsJson
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<FailedAttempt>? attempts)
    {
        json.WriteStartArray("failed_attempts");
        foreach (var attempt in attempts ?? [])
        {
            json.WriteStartObject();
            json.WriteString("deployment", attempt.Deployment);
            json.WriteString("reason", attempt.Reason);
            if (attempt.UpstreamStatus is { } status)
            {
                json.WriteNumber("status", status);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
