using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Rows;

/// <summary>
/// The <c>failed_attempts</c> column: a request's failed attempts as a small JSON array
/// (<c>[{"deployment","reason","status"}]</c>), for both backends.
/// </summary>
internal static class FailedAttemptsText
{
    public static string? Write(IReadOnlyList<FailedAttempt>? attempts)
    {
        if (attempts is not { Count: > 0 })
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * attempts.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var attempt in attempts)
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

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyList<FailedAttempt>? Read(string? text)
    {
        if (text is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.EnumerateArray()
            .Select(a => new FailedAttempt(
                a.GetProperty("deployment").GetString()!,
                a.GetProperty("reason").GetString()!,
                a.TryGetProperty("status", out var status) ? status.GetInt32() : null))
            .ToArray();
    }
}
