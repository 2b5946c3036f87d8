using Ciyuan.Http;
using System.Text.Json;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.State;

namespace Ciyuan.Dashboard.Views;

/// <summary>One ledger line as the Requests and Runs pages show it (bodies are never stored, so never shown).</summary>
internal sealed class RecordJson(LiveConfig live)
{
    public void Write(Utf8JsonWriter json, UsageRecord record, IReadOnlyDictionary<string, string> keyNames)
    {
        json.WriteStartObject();
        json.WriteString("request_id", record.RequestId);
        json.WriteString("at", record.CreatedAt);
        json.WriteString("status", record.Status);
        json.WriteNumber("http_status", record.HttpStatus);
        json.WriteString("key_id", record.KeyId);
        json.WriteString("key_name", keyNames.GetValueOrDefault(record.KeyId));
        json.WriteString("project", record.Project);
        json.WriteString("run", record.RunId);
        json.WriteString("endpoint", record.Endpoint);
        json.WriteString("model", record.ModelAlias);
        json.WriteString("provider", record.Provider);
        json.WriteString("deployment", record.Deployment);
        json.WriteString("upstream_model", record.UpstreamModel);
        json.WriteString("jurisdiction", record.Jurisdiction);
        json.WriteNumber("attempts", record.Attempts);
        FailedAttemptsJson.Write(json, record.FailedAttempts);
        json.WriteBoolean("streamed", record.Streamed);
        json.WriteNumber("input_uncached", record.Usage.InputUncached);
        json.WriteNumber("cache_read", record.Usage.CacheRead);
        json.WriteNumber("cache_write", record.Usage.CacheWrite);
        json.WriteNumber("output", record.Usage.Output);
        json.WriteNumber("reasoning", record.Usage.Reasoning);
        json.WriteNumber("cost_micros", record.Cost.Value);
        json.WriteString("cost", record.Cost.ToString());
        json.WriteString("currency", record.Currency);
        json.WriteBoolean("usage_estimated", record.UsageEstimated);
        json.WriteBoolean("unpriced", record.Unpriced);
        json.WriteNumber("latency_ms", Math.Round(record.LatencyMs, 1));
        if (record.TimeToFirstTokenMs is { } ttft)
        {
            json.WriteNumber("ttft_ms", Math.Round(ttft, 1));
        }
        else
        {
            json.WriteNull("ttft_ms");
        }

        json.WriteString("error", record.Error is null ? null : live.Current.Redactor.Redact(record.Error));
        json.WriteEndObject();
    }
}
