using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Routing;
using Ciyuan.Dashboard.Live;
using Ciyuan.Gateway.State;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// Live deployment health, read from the routing state the router itself uses (circuit, in flight,
/// Retry-After holds, EWMAs, the circuit's window) plus this instance's last minute of requests and
/// tokens against the configured limits and its recent failures by status.
/// </summary>
internal sealed class DeploymentsView(LiveConfig live, DeploymentActivity activity)
{
    public byte[] Build()
    {
        var routing = live.Current.Routing;
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var state in routing.Table.Deployments.OrderBy(d => d.Id, StringComparer.Ordinal))
            {
                Write(json, state);
            }

            json.WriteEndArray();
            json.WriteStartArray("models");
            foreach (var alias in routing.Table.Aliases.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                json.WriteStringValue(alias.Name);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void Write(Utf8JsonWriter json, DeploymentState state)
    {
        var config = state.Config;
        var (calls, failures) = state.WindowTotals();
        var (requests, tokens, errors) = activity.Of(state.Id);
        json.WriteStartObject();
        json.WriteString("id", state.Id);
        json.WriteString("provider", config.Provider.Name);
        json.WriteString("kind", config.Provider.Kind);
        json.WriteString("model", config.UpstreamModel);
        json.WriteString("jurisdiction", config.Provider.Jurisdiction);
        json.WriteString("circuit", state.Circuit switch
        {
            CircuitState.Open => "open",
            CircuitState.HalfOpen => "half_open",
            _ => "closed",
        });
        WriteTime(json, "circuit_open_until", state.CircuitOpenUntil);
        WriteTime(json, "held_until", state.HeldUntil);
        json.WriteNumber("in_flight", state.InFlight);
        json.WriteNumber("max_in_flight", config.MaxInFlight);
        json.WriteNumber("rpm", requests);
        WriteLimit(json, "rpm_limit", config.RequestsPerMinute);
        json.WriteNumber("tpm", tokens);
        WriteLimit(json, "tpm_limit", config.TokensPerMinute);
        WriteMeasure(json, "ewma_ttft_ms", state.TimeToFirstTokenMs);
        WriteMeasure(json, "ewma_tokens_per_second", state.TokensPerSecond);
        json.WriteNumber("window_calls", calls);
        json.WriteNumber("window_failures", failures);
        json.WriteStartObject("recent_errors");
        foreach (var (status, count) in errors)
        {
            json.WriteNumber(status, count);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } at)
        {
            json.WriteString(name, at);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteLimit(Utf8JsonWriter json, string name, long? limit)
    {
        if (limit is { } value)
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteMeasure(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 1));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
