using Ciyuan.Core.Configuration;
using Microsoft.Extensions.Logging.Console;

namespace Ciyuan.Hosting;

/// <summary><c>logging.format</c>: today's single-line text, or one JSON object per line (<see cref="JsonLineFormatter"/>).</summary>
internal static class ConsoleLogging
{
    public static ILoggingBuilder AddCiyuanConsole(this ILoggingBuilder logging, LoggingConfig config)
    {
        if (config.Format == LogFormat.Json)
        {
            return logging
                .AddConsole(console => console.FormatterName = JsonLineFormatter.Name)
                .AddConsoleFormatter<JsonLineFormatter, ConsoleFormatterOptions>();
        }

        return logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
    }
}
