using System.Diagnostics;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>
/// What the pipeline tells about a request, in one-line calls: when it starts (a span), when it is
/// settled (metrics and the request's log line, from its ledger line), each attempt (a child span,
/// a fallback counted) and when it ends (the span closed with its attributes; a refusal counted).
/// Each part costs nothing when it is off.
/// </summary>
internal sealed class RequestObserver(GatewayMetrics metrics, RequestLog log)
{
    /// <summary>Starts observing a request that passed intake; dispose the result when the request has ended.</summary>
    public RequestObservation Observe(GatewayContext context)
    {
        context.Trace = RequestTracing.StartRequest(context);
        return new RequestObservation(this, context);
    }

    /// <summary>A request turned away at intake (bad key, bad body, unknown model): nothing else was done.</summary>
    public void Refused(IDoor door, GatewayError error) => metrics.Refused(door.Endpoint, error);

    /// <summary>The ledger line was written (or could not be: <paramref name="durable"/> false).</summary>
    public void Settled(GatewayContext context, DeploymentConfig deployment, UsageRecord record, bool durable)
    {
        var config = context.Snapshot.Config;
        metrics.Settled(record, context.Door.Endpoint, deployment.Provider.Kind, durable, config.Metrics.PerKey);
        log.Settled(record, config.Logging.Requests);
        context.Trace?.SetTag(GenAiAttributes.ProviderName, deployment.Provider.Kind);
    }

    /// <summary>A span for one upstream attempt (null when traces are off); end it with <see cref="AttemptEnded"/>.</summary>
    public static Activity? AttemptStarted(GatewayContext context, DeploymentConfig deployment, int attempt) =>
        RequestTracing.StartAttempt(context, deployment, attempt);

    public static void AttemptEnded(Activity? span, ProviderFailure? failure, GatewayError? refusal) =>
        RequestTracing.EndAttempt(span, failure, refusal);

    /// <summary>An attempt cut short by an exception (the client went away, or a fault).</summary>
    public static void AttemptAborted(Activity? span) => RequestTracing.AbortAttempt(span);

    /// <summary>Another attempt is made after <paramref name="failed"/> failed before its first byte.</summary>
    public void FellBack(DeploymentConfig failed, ProviderFailureKind kind) => metrics.FallingBack(failed.Id, kind);

    /// <summary>A rate, token or concurrency limit refused; <paramref name="counter"/> names it (<c>SCOPE:SUBJECT:KIND</c>).</summary>
    public void LimitRefused(string counter) => metrics.LimitRefused(counter);

    /// <summary>A whole answer's text for the request's span (only with <c>telemetry.capture_content</c>).</summary>
    public static void AnswerRead(GatewayContext context, ReadOnlySpan<byte> answer) => RequestTracing.CaptureOutput(context, answer);

    /// <summary>The request ended: a refusal is counted (a ledger line was counted when settled), and its span closed.</summary>
    internal void Ended(GatewayContext context)
    {
        var refusal = context.Record is null ? context.AnsweredError : null;
        if (refusal is not null)
        {
            metrics.Refused(context.Door.Endpoint, refusal);
        }

        if (context.Trace is { } span)
        {
            RequestTracing.EndRequest(span, context, refusal);
        }
    }
}
