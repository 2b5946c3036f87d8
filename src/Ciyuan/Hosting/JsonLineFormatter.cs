using System.Buffers;
using System.Text;
using System.Text.Json;
using Ciyuan.Core.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Ciyuan.Hosting;

/// <summary>
/// <c>logging.format: json</c>: one JSON object per line — <c>timestamp</c> (UTC), <c>level</c>,
/// <c>event_id</c>, <c>category</c>, <c>message</c>, then each field of the event under its name in
/// snake case (<c>request_id</c>, <c>key_id</c>, <c>model</c>, <c>deployment</c>, <c>status</c>,
/// <c>latency_ms</c>…). Every text that leaves through it — the message, the fields, an exception — is
/// masked with the configured secrets first (those of the generation serving now), so no provider key or master key reaches the log
/// whatever an event carries.
/// </summary>
internal sealed class JsonLineFormatter(Func<SecretRedactor> secrets) : ConsoleFormatter(Name)
{
    public new const string Name = "ciyuan-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var redactor = secrets();
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteNumber("event_id", logEntry.EventId.Id);
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", redactor.Redact(message ?? string.Empty));
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    if (key != "{OriginalFormat}")
                    {
                        WriteField(json, redactor, SnakeCase(key), value);
                    }
                }
            }

            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", redactor.Redact(exception.ToString()));
            }

            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteField(Utf8JsonWriter json, SecretRedactor redactor, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int or long or short or byte or uint or ulong:
                json.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double number when double.IsFinite(number):
                json.WriteNumber(name, number);
                break;
            case decimal number:
                json.WriteNumber(name, number);
                break;
            default:
                json.WriteString(name, redactor.Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
                break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "information",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };

    /// <summary><c>RequestId</c> → <c>request_id</c>: field names as log pipelines usually key them.</summary>
    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

}
