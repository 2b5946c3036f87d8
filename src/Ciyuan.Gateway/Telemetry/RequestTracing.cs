using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>
/// Spans, on the <c>Ciyuan</c> activity source: one per request (kind server, named
/// <c>{operation} {model}</c>, a child of the client's <c>traceparent</c> when it sent one) and one
/// child per upstream attempt (kind client) with its outcome. Attributes follow the GenAI semantic
/// conventions and are set from the ledger line when the request ends. With no listener (traces
/// off) no span is created and nothing is allocated. The prompt and the answer's text are recorded
/// only with <c>telemetry.capture_content</c> (read from the generation the request started on, so
/// a reload can turn it on or off; where spans go and how many are sampled needs a restart).
/// </summary>
internal static class RequestTracing
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>Spans are capped at this much captured text per attribute, so one huge prompt cannot swamp an exporter.</summary>
    public const int MaxCapturedBytes = 64 * 1024;

    private static readonly ActivitySource Source = new(TelemetryNames.ActivitySource, TelemetryNames.Version);

    /// <summary>The request's span, continuing the client's trace when it sent a valid <c>traceparent</c>; null when nobody records.</summary>
    public static Activity? StartRequest(GatewayContext context)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var client = context.Client;
        ActivityContext.TryParse(client.RequestHeader(TraceParentHeader), client.RequestHeader(TraceStateHeader), isRemote: true, out var parent);
        var operation = GenAiAttributes.OperationOf(context.Door.Endpoint);

        // The request's span is a root or the client's child, never a child of whatever activity the
        // web host opened for its own bookkeeping (unrecorded, so it would make the sampler drop ours).
        Activity.Current = null;
        var span = Source.StartActivity(ActivityKind.Server, parent, name: $"{operation} {context.ModelAlias}");
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(GenAiAttributes.OperationName, operation);
            span.SetTag(GenAiAttributes.RequestModel, context.ModelAlias);
            span.SetTag(GenAiAttributes.Door, context.Endpoint);
            span.SetTag(GenAiAttributes.RequestId, context.RequestId);
            span.SetTag(GenAiAttributes.KeyId, context.Key.Id);
            if (context.Facts.RequestedMaxOutput is { } maxTokens)
            {
                span.SetTag(GenAiAttributes.RequestMaxTokens, maxTokens);
            }

            if (context.Snapshot.Config.Telemetry.CaptureContent)
            {
                span.SetTag(GenAiAttributes.InputMessages, Text(context.Body.Span));
            }
        }

        return span;
    }

    /// <summary>An attempt's span, a child of the request's; null when nobody records.</summary>
    public static Activity? StartAttempt(GatewayContext context, DeploymentConfig deployment, int attempt)
    {
        if (context.Trace is not { } parent)
        {
            return null;
        }

        var span = Source.StartActivity(ActivityKind.Client, parent.Context, name: $"{GenAiAttributes.OperationOf(context.Door.Endpoint)} {deployment.UpstreamModel}");
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(GenAiAttributes.OperationName, GenAiAttributes.OperationOf(context.Door.Endpoint));
            span.SetTag(GenAiAttributes.ProviderName, deployment.Provider.Kind);
            span.SetTag(GenAiAttributes.RequestModel, deployment.UpstreamModel);
            span.SetTag(GenAiAttributes.Provider, deployment.Provider.Name);
            span.SetTag(GenAiAttributes.Deployment, deployment.Id);
            span.SetTag(GenAiAttributes.Attempt, attempt);
            span.SetTag(GenAiAttributes.ServerAddress, deployment.Provider.BaseUrl.Host);
        }

        return span;
    }

    /// <summary>
    /// The <c>traceparent</c> an attempt sends upstream: the attempt's span when there is one, else the
    /// client's own header passed on unchanged (traces off still lets the upstream join the client's trace).
    /// </summary>
    public static string? UpstreamTraceParent(Activity? attempt, GatewayContext context) =>
        attempt is not null ? attempt.Id : ValidTraceParent(context.Client.RequestHeader(TraceParentHeader));

    /// <summary>Ends an attempt's span with how it went: <c>ok</c>, the failure's reason, or <c>refused</c>.</summary>
    public static void EndAttempt(Activity? span, ProviderFailure? failure, GatewayError? refusal)
    {
        if (span is null)
        {
            return;
        }

        if (failure is { } failed)
        {
            var reason = FailureReasons.Of(failed.Kind);
            span.SetTag(GenAiAttributes.AttemptOutcome, reason);
            span.SetTag(GenAiAttributes.ErrorType, reason);
            if (failed.UpstreamStatus is { } status)
            {
                span.SetTag(GenAiAttributes.HttpStatus, status);
            }

            span.SetStatus(ActivityStatusCode.Error, reason);
        }
        else if (refusal is not null)
        {
            span.SetTag(GenAiAttributes.AttemptOutcome, "refused");
            span.SetTag(GenAiAttributes.ErrorType, refusal.Code);
            span.SetStatus(ActivityStatusCode.Error, refusal.Code);
        }
        else
        {
            span.SetTag(GenAiAttributes.AttemptOutcome, "ok");
        }

        span.Dispose();
    }

    /// <summary>Ends an attempt's span that an exception cut short.</summary>
    public static void AbortAttempt(Activity? span)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(GenAiAttributes.AttemptOutcome, "aborted");
        span.SetStatus(ActivityStatusCode.Error, "aborted");
        span.Dispose();
    }

    /// <summary>Ends the request's span with what its ledger line says (or the error it was refused with).</summary>
    public static void EndRequest(Activity span, GatewayContext context, GatewayError? refusal)
    {
        if (span.IsAllDataRequested)
        {
            if (context.Record is { } record)
            {
                Describe(span, record);
            }
            else if (refusal is not null)
            {
                span.SetTag(GenAiAttributes.ErrorType, refusal.Code);
                span.SetTag(GenAiAttributes.HttpStatus, refusal.Shape.Status);
                span.SetStatus(ActivityStatusCode.Error, refusal.Code);
            }
        }

        span.Dispose();
    }

    /// <summary>Records a whole answer's text on the request's span, when content capture is on.</summary>
    public static void CaptureOutput(GatewayContext context, ReadOnlySpan<byte> answer)
    {
        if (context.Snapshot.Config.Telemetry.CaptureContent && context.Trace is { IsAllDataRequested: true } span)
        {
            span.SetTag(GenAiAttributes.OutputMessages, Text(answer));
        }
    }

    private static void Describe(Activity span, UsageRecord record)
    {
        var usage = record.Usage;
        span.SetTag(GenAiAttributes.ResponseModel, record.UpstreamModel);
        span.SetTag(GenAiAttributes.Provider, record.Provider);
        span.SetTag(GenAiAttributes.Deployment, record.Deployment);
        span.SetTag(GenAiAttributes.Attempts, record.Attempts);
        span.SetTag(GenAiAttributes.Status, record.Status);
        span.SetTag(GenAiAttributes.HttpStatus, record.HttpStatus);
        span.SetTag(GenAiAttributes.InputTokens, usage.PromptTokens);
        span.SetTag(GenAiAttributes.OutputTokens, usage.Output);
        span.SetTag(GenAiAttributes.CacheReadTokens, usage.CacheRead);
        span.SetTag(GenAiAttributes.CacheCreationTokens, usage.CacheWrite);
        span.SetTag(GenAiAttributes.ReasoningTokens, usage.Reasoning);
        span.SetTag(GenAiAttributes.UsageEstimated, record.UsageEstimated);
        if (!record.Unpriced)
        {
            span.SetTag(GenAiAttributes.Cost, record.Cost.ToDecimal().ToString(CultureInfo.InvariantCulture));
            span.SetTag(GenAiAttributes.CostCurrency, record.Currency);
        }

        if (record.Status != RequestStatus.Ok)
        {
            span.SetTag(GenAiAttributes.ErrorType, record.Status);
            span.SetStatus(ActivityStatusCode.Error, record.Status);
        }
    }

    private static string Text(ReadOnlySpan<byte> utf8) =>
        Encoding.UTF8.GetString(utf8.Length > MaxCapturedBytes ? utf8[..MaxCapturedBytes] : utf8);

    /// <summary>A W3C <c>traceparent</c> passed on only when it parses, so nothing else rides along to the upstream.</summary>
    private static string? ValidTraceParent(string? header) =>
        header is not null && ActivityContext.TryParse(header, null, out _) ? header : null;
}
