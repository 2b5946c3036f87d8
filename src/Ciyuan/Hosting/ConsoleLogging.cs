using Ciyuan.Core.Configuration;
using Ciyuan.Core.Secrets;
using Microsoft.Extensions.Logging.Console;

namespace Ciyuan.Hosting;

/// <summary><c>logging.format</c>: today's single-line text, or one JSON object per line (<see cref="JsonLineFormatter"/>).</summary>
internal static class ConsoleLogging
{
    /// <param name="secrets">What JSON lines mask (text lines carry only messages whose fields never hold a secret).</param>
    public static ILoggingBuilder AddCiyuanConsole(this ILoggingBuilder logging, LoggingConfig config, Func<SecretRedactor> secrets)
    {
        if (config.Format == LogFormat.Json)
        {
            logging.AddConsole(console => console.FormatterName = JsonLineFormatter.Name);
            logging.Services.AddSingleton<ConsoleFormatter>(new JsonLineFormatter(secrets));
            return logging;
        }

        return logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
    }
}
