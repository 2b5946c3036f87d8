using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.State;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 1, intake: who is asking (the key), what they sent (the body, within the limit, scanned
/// once), and which model. Everything the later stages need to know about the request is fixed
/// here; an error is the door's to write.
/// </summary>
internal sealed class IntakeStage(LiveConfig live, KeyAuthenticator authenticator, TimeProvider time)
{
    public async Task<IntakeResult> ReadAsync(ClientExchange client, IDoor door, long? maxBytes = null, string limitSetting = "server.max_body_bytes")
    {
        // The request keeps this generation to its end, whatever a reload does meanwhile.
        var snapshot = live.Current;
        var state = snapshot.State;
        var requestId = RequestIds.New();
        client.SetHeader(CiyuanHeaders.RequestId, requestId);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var authorization = client.RequestHeader("Authorization");
        var apiKey = client.RequestHeader(KeyAuthenticator.ApiKeyHeader);
        if (authenticator.Authenticate(authorization, apiKey, out var authError) is not { } key)
        {
            return new(null, GatewayErrors.Unauthorized(authError!), requestId);
        }

        if (!IsJson(client.RequestContentType))
        {
            return new(null, GatewayErrors.UnsupportedMediaType(client.RequestContentType), requestId);
        }

        var limit = maxBytes ?? state.Config.Server.MaxBodyBytes;
        if (await client.ReadBodyAsync(limit).ConfigureAwait(false) is not { } body)
        {
            return new(null, GatewayErrors.TooLarge(limit, limitSetting), requestId);
        }

        var (facts, error) = Check(body, door);
        if (error is not null)
        {
            body.Dispose();
            return new(null, error, requestId);
        }

        if (!state.Aliases.TryGetValue(facts!.Model!, out var alias))
        {
            body.Dispose();
            return new(null, state.RefusedAliases.Contains(facts.Model!) ? GatewayErrors.ModelUnpriced(facts.Model!) : GatewayErrors.ModelNotFound(facts.Model!), requestId);
        }

        return new(new GatewayContext
        {
            RequestId = requestId,
            Snapshot = snapshot,
            ReceivedAt = time.GetUtcNow(),
            StartedTimestamp = started,
            Client = client,
            Door = door,
            Key = key,
            CallerSecret = KeyAuthenticator.PresentedKey(authorization, apiKey).ToString(),
            RunId = client.RequestHeader(CiyuanHeaders.Run) is { Length: > 0 } run ? run : null,
            RequestPolicy = client.RequestHeader(CiyuanHeaders.Policy) is { Length: > 0 } policy ? policy : null,
            Body = body,
            Facts = facts,
            Alias = alias,
            OutputLimits = door.OutputLimitsOf(facts),
            Streams = door.Streams(facts),
        }, null, requestId);
    }

    private static (RequestFacts? Facts, GatewayError? Error) Check(RequestBody body, IDoor door)
    {
        var facts = RequestScanner.Scan(body.Span, out var scanError);
        if (facts is null)
        {
            return (null, GatewayErrors.InvalidRequest(scanError!.Message, scanError.Code, scanError.Param));
        }

        if (string.IsNullOrEmpty(facts.Model))
        {
            return (null, GatewayErrors.MissingModel());
        }

        return door.Check(facts) is { } refused ? (null, refused) : (facts, null);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Either a request ready for the next stages (it owns its body) or the error to answer with.</summary>
internal sealed record IntakeResult(GatewayContext? Context, GatewayError? Error, string RequestId);
