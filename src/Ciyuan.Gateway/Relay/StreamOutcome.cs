using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Errors;

namespace Ciyuan.Gateway.Relay;

/// <summary>How a relayed stream ended.</summary>
internal enum StreamOutcome
{
    Completed,
    ClientLeft,
    UpstreamError,
    Timeout,
    Truncated,

    /// <summary>The upstream sent more than the request allows; the relay cut it off.</summary>
    OutputExceeded,

    /// <summary>The gateway was shutting down and its drain deadline passed mid-stream.</summary>
    GatewayStopped,
}

/// <summary>The ledger status and message of each <see cref="StreamOutcome"/>.</summary>
internal static class StreamOutcomes
{
    public static (string Status, string? Error) Describe(StreamOutcome outcome, string provider, long outputCeiling) => outcome switch
    {
        StreamOutcome.OutputExceeded => (RequestStatus.StreamFailed, OutputGuard.Message(provider, outputCeiling)),
        StreamOutcome.Completed => (RequestStatus.Ok, null),
        StreamOutcome.ClientLeft => (RequestStatus.ClientDisconnected, "the client disconnected before the stream ended"),
        StreamOutcome.UpstreamError => (RequestStatus.StreamFailed, $"provider '{provider}' sent an error mid-stream"),
        StreamOutcome.Timeout => (RequestStatus.StreamFailed, $"provider '{provider}' exceeded the total deadline mid-stream"),
        StreamOutcome.GatewayStopped => (RequestStatus.StreamFailed, "the gateway was shutting down and its drain deadline passed before the stream ended; tokens seen so far are billed"),
        _ => (RequestStatus.StreamFailed, $"provider '{provider}' ended the stream before it finished"),
    };

    /// <summary>The error code a client is told when a stream it was reading ends this way.</summary>
    public static string ErrorCode(StreamOutcome outcome) => outcome switch
    {
        StreamOutcome.Timeout => "upstream_timeout",
        StreamOutcome.OutputExceeded => "output_limit_exceeded",
        StreamOutcome.GatewayStopped => GatewayErrors.GatewayStoppedCode,
        _ => "stream_truncated",
    };
}
