using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>
/// The request path's instruments. Everything is recorded once per request, when it is settled, from
/// the values of its ledger line — nothing per chunk — so the counters add up to the ledger. Labels are
/// bounded by configuration (doors, models, deployments, statuses, currencies; key ids only with
/// <c>metrics.per_key</c>), never a request id or a secret. Each call returns at once when nobody
/// listens (<c>metrics.enabled: false</c>). <c>metrics.per_key</c> is read from the generation each
/// request started on, so a reload that turns it on or off applies to new requests.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string TokenUsage = "gen_ai.client.token.usage";
    public const string OperationDuration = "gen_ai.client.operation.duration";
    public const string TimeToFirstToken = "gen_ai.server.time_to_first_token";
    public const string Requests = "ciyuan.requests";
    public const string Refusals = "ciyuan.requests.refused";
    public const string Tokens = "ciyuan.tokens";
    public const string Cost = "ciyuan.cost.micros";
    public const string FallbackAttempts = "ciyuan.fallback.attempts";
    public const string LimitRefusals = "ciyuan.limit.refusals";

    // The buckets the GenAI conventions advise for token counts and for durations in seconds.
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly double[] FirstTokenBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];

    private readonly Histogram<long> _tokenUsage;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _firstToken;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _cost;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _limitRefusals;

    public GatewayMetrics(Meter meter)
    {
        _tokenUsage = meter.CreateHistogram(TokenUsage, "{token}", "Tokens per answered request, by gen_ai.token.type (input includes cached).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _duration = meter.CreateHistogram(OperationDuration, "s", "Time from the request's arrival to its settlement, per ledger line.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _firstToken = meter.CreateHistogram(TimeToFirstToken, "s", "Time from the request's arrival to its first generated token, for streams.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FirstTokenBuckets });
        _requests = meter.CreateCounter<long>(Requests, "{request}", "Ledger lines written: requests that reached an upstream, by door, model, deployment and status.");
        _refusals = meter.CreateCounter<long>(Refusals, "{request}", "Requests answered with an error before any upstream was chosen or sent to (no ledger line), by code.");
        _tokens = meter.CreateCounter<long>(Tokens, "{token}", "Tokens in the ledger's five buckets: input_uncached, cache_read, cache_write, output, reasoning (part of output).");
        _cost = meter.CreateCounter<long>(Cost, "{microunit}", "Cost in millionths of the currency (1 USD = 1,000,000), as the ledger counts it.");
        _fallbacks = meter.CreateCounter<long>(FallbackAttempts, "{attempt}", "Failed attempts after which another attempt was made, by the failure's reason.");
        _limitRefusals = meter.CreateCounter<long>(LimitRefusals, "{request}", "Requests or attempts refused by a rate, token or concurrency limit.");
    }

    /// <summary>A settled request: its ledger line (<paramref name="durable"/> false when the ledger could not take it).</summary>
    public void Settled(UsageRecord record, DoorEndpoint door, string providerKind, bool durable, bool perKey)
    {
        if (!_requests.Enabled)
        {
            return;
        }

        var status = durable ? record.Status : "ledger_unavailable";
        var tags = new TagList
        {
            { "door", record.Endpoint },
            { "model", record.ModelAlias },
            { "deployment", record.Deployment },
            { "status", status },
            { "status_class", StatusClass(record.HttpStatus) },
        };
        AddKey(ref tags, record.KeyId, perKey);
        _requests.Add(1, tags);
        if (!durable)
        {
            return;
        }

        var usage = record.Usage;
        var money = new TagList { { "model", record.ModelAlias }, { "deployment", record.Deployment } };
        AddKey(ref money, record.KeyId, perKey);
        AddTokens(money, "input_uncached", usage.InputUncached);
        AddTokens(money, "cache_read", usage.CacheRead);
        AddTokens(money, "cache_write", usage.CacheWrite);
        AddTokens(money, "output", usage.Output);
        AddTokens(money, "reasoning", usage.Reasoning);
        money.Add("currency", record.Currency);
        _cost.Add(record.Cost.Value, money);

        var genAi = new TagList
        {
            { GenAiAttributes.OperationName, GenAiAttributes.OperationOf(door) },
            { GenAiAttributes.ProviderName, providerKind },
            { GenAiAttributes.RequestModel, record.ModelAlias },
            { GenAiAttributes.ResponseModel, record.UpstreamModel },
        };
        var failed = record.Status is RequestStatus.UpstreamError or RequestStatus.Unreachable;
        if (!failed)
        {
            _tokenUsage.Record(usage.PromptTokens, WithTokenType(genAi, "input"));
            _tokenUsage.Record(usage.Output, WithTokenType(genAi, "output"));
            if (record.Streamed && record.TimeToFirstTokenMs is { } firstToken)
            {
                _firstToken.Record(firstToken / 1000, genAi);
            }
        }

        if (record.Status != RequestStatus.Ok)
        {
            genAi.Add(GenAiAttributes.ErrorType, record.Status);
        }

        _duration.Record(record.LatencyMs / 1000, genAi);
    }

    /// <summary>A request answered with an error before anything was sent upstream.</summary>
    public void Refused(DoorEndpoint door, GatewayError error)
    {
        if (_refusals.Enabled)
        {
            _refusals.Add(1, new KeyValuePair<string, object?>("door", door.LedgerName()), new KeyValuePair<string, object?>("code", error.Code));
        }
    }

    /// <summary>An attempt failed and another follows.</summary>
    public void FallingBack(string deployment, ProviderFailureKind kind)
    {
        if (_fallbacks.Enabled)
        {
            _fallbacks.Add(1, new KeyValuePair<string, object?>("deployment", deployment), new KeyValuePair<string, object?>("reason", FailureReasons.Of(kind)));
        }
    }

    /// <summary>A limit refused; <paramref name="counter"/> is the limit counter's name, <c>SCOPE:SUBJECT:KIND</c>.</summary>
    public void LimitRefused(string counter)
    {
        if (!_limitRefusals.Enabled)
        {
            return;
        }

        // Only the scope and the kind become labels: the subject (a key id, a project) is unbounded.
        var scope = counter.StartsWith("key:", StringComparison.Ordinal) ? "key"
            : counter.StartsWith("project:", StringComparison.Ordinal) ? "project"
            : counter.StartsWith("deployment:", StringComparison.Ordinal) ? "deployment"
            : "other";
        var kind = counter[(counter.LastIndexOf(':') + 1)..] switch
        {
            "rpm" => "rpm",
            "tpm" => "tpm",
            "cc" => "concurrency",
            _ => "other",
        };
        _limitRefusals.Add(1, new KeyValuePair<string, object?>("scope", scope), new KeyValuePair<string, object?>("limit", kind));
    }

    private void AddTokens(TagList tags, string type, long count)
    {
        if (count > 0)
        {
            tags.Add("type", type);
            _tokens.Add(count, tags);
        }
    }

    private static void AddKey(ref TagList tags, string keyId, bool perKey)
    {
        if (perKey)
        {
            tags.Add("key_id", keyId);
        }
    }

    private static TagList WithTokenType(TagList tags, string type)
    {
        tags.Add(GenAiAttributes.TokenType, type);
        return tags;
    }

    private static string StatusClass(int status) => status switch
    {
        >= 200 and < 300 => "2xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "other",
    };
}
