using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Diagnostics;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>
/// One log line per settled request when <c>logging.requests</c> is on: its id, key id, door, model,
/// deployment, status, HTTP status, latency, tokens and cost — every field from the ledger line, none
/// of which is a secret (the key's id, never the key; error text was masked before it was recorded).
/// </summary>
internal sealed partial class RequestLog(ILogger<RequestLog> logger)
{
    /// <param name="enabled"><c>logging.requests</c> of the generation the request started on (it may be reloaded).</param>
    public void Settled(UsageRecord record, bool enabled)
    {
        if (!enabled || !logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var input = record.Usage.PromptTokens;
        var cost = record.Cost.ToDecimal();
        Log.Completed(logger, record.RequestId, record.KeyId, record.Endpoint, record.ModelAlias, record.Deployment, record.Status,
            record.HttpStatus, record.LatencyMs, input, record.Usage.Output, cost, record.Currency);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RequestCompleted, Level = LogLevel.Information,
            Message = "Request {RequestId} key {KeyId} {Door} {Model} via {Deployment}: {Status} (HTTP {HttpStatus}) in {LatencyMs:0.###} ms, {InputTokens} in / {OutputTokens} out tokens, {Cost} {Currency}")]
        public static partial void Completed(ILogger logger, string requestId, string keyId, string door, string model, string deployment, string status,
            int httpStatus, double latencyMs, long inputTokens, long outputTokens, decimal cost, string currency);
    }
}
