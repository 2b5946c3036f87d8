using Ciyuan.Core.Metering;
using Ciyuan.Hosting;
using Ciyuan.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// Settles a request before its answer's last byte is released: its ledger line is made durable
/// (which settles its budget hold in the same transaction), then its token-per-minute counters
/// are corrected to what it used and its concurrency slots returned — so a client's next request
/// never meets an estimate that is already stale. When the ledger cannot take the line (a full
/// disk, a database gone) after the upstream has answered, the answer is withheld and the client
/// told so in its dialect: the request may have been served and billed by the provider, and its
/// hold, left open, shows as in doubt after the next start — counted, never lost.
/// </summary>
internal sealed partial class RequestSettlement(IUsageLedger ledger, RequestLimits limits, ILogger<RequestSettlement> logger)
{
    /// <summary>True when the line is durable.</summary>
    public async Task<bool> TrySettleAsync(RequestContext request, UsageRecord record)
    {
        bool recorded;
        try
        {
            await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
            recorded = true;
        }
        catch (Storage.StorageException ex)
        {
            Log.LedgerFailed(logger, record.RequestId, ex.Message);
            recorded = false;
        }

        await limits.SettleAsync(request, record.Usage.TotalTokens).ConfigureAwait(false);
        return recorded;
    }

    /// <summary>What the client is told when its answer arrived but could not be recorded.</summary>
    public static OpenAIError Unavailable { get; } = new(StatusCodes.Status503ServiceUnavailable,
        "The upstream answered, but the gateway's ledger could not record the answer, so it was withheld. The request may have been served " +
        "(and billed by the provider): it shows as in doubt until an operator settles it. Retry shortly.",
        "api_error", "ledger_unavailable")
    {
        RetryAfter = TimeSpan.FromSeconds(5),
    };

    /// <summary>Writes <see cref="Unavailable"/> as a whole response in the dialect of the request's door.</summary>
    public static Task WriteUnavailableAsync(HttpContext context, RequestContext request) =>
        request.Endpoint == "messages"
            ? AnthropicErrorWriter.WriteAsync(context, Unavailable)
            : OpenAIErrorWriter.WriteAsync(context, Unavailable);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.LedgerFailed, Level = LogLevel.Error,
            Message = "Request {RequestId}: the ledger could not record the answer, which was withheld; its hold stays open and shows as in doubt after the next start: {Reason}")]
        public static partial void LedgerFailed(ILogger logger, string requestId, string reason);
    }
}
