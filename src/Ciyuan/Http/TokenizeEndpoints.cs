using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Pipeline;
using Ciyuan.Gateway.State;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Http;

/// <summary>
/// Exact token counts without calling any upstream: <c>POST /v1/tokenize</c> (<c>{model, text | messages}</c>)
/// and Anthropic's <c>POST /v1/messages/count_tokens</c>. Counts from an estimate say so
/// (<c>"exact": false</c>, header <c>X-Ciyuan-Token-Count: estimated</c>). Counting costs CPU and
/// memory in proportion to the body, so both routes take at most <c>server.max_tokenize_bytes</c>
/// and count against the key's and project's request rate and concurrency like any request.
/// </summary>
internal static class TokenizeEndpoints
{
    public const string CountHeader = "X-Ciyuan-Token-Count";

    public static IEndpointRouteBuilder MapTokenizeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/tokenize", (HttpContext context, IntakeStage intake, AdmitStage limits, LiveConfig live) =>
            CountAsync(context, OpenAIDoor.Tokenize, intake, limits, live, request => CountTextAsync(context, request, request.Snapshot.Tokens)));
        routes.MapPost("/v1/messages/count_tokens", (HttpContext context, IntakeStage intake, AdmitStage limits, LiveConfig live) =>
            CountAsync(context, AnthropicDoor.CountTokens, intake, limits, live, request => CountMessagesAsync(context, request, request.Snapshot.Tokens)));
        return routes;
    }

    /// <summary>Intake and admission as for any request (a smaller body limit), then the count.</summary>
    private static async Task CountAsync(HttpContext http, IDoor door, IntakeStage intake, AdmitStage limits, LiveConfig live, Func<GatewayContext, Task<GatewayError?>> count)
    {
        var client = new HttpClientExchange(http);
        var read = await intake.ReadAsync(client, door, live.Current.Config.Server.MaxTokenizeBytes, "server.max_tokenize_bytes").ConfigureAwait(false);
        if (read.Context is not { } request)
        {
            await AnswerErrors.WriteAsync(client, door, read.RequestId, read.Error!).ConfigureAwait(false);
            return;
        }

        using (request)
        {
            if (await limits.AdmitAsync(request, estimatedTokens: 0).ConfigureAwait(false) is { } limited)
            {
                await AnswerErrors.WriteAsync(request, limited).ConfigureAwait(false);
                return;
            }

            try
            {
                if (await count(request).ConfigureAwait(false) is { } error)
                {
                    await AnswerErrors.WriteAsync(request, error).ConfigureAwait(false);
                }
            }
            finally
            {
                await limits.FinishAsync(request).ConfigureAwait(false);
            }
        }
    }

    private static async Task<GatewayError?> CountTextAsync(HttpContext context, GatewayContext request, TokenCounter counter)
    {
        var tokenizer = counter.For(request.Alias);
        int count;
        IReadOnlyList<int>? ids = null;
        using (var document = JsonDocument.Parse(request.Body.Memory))
        {
            var root = document.RootElement;
            var wantIds = root.TryGetProperty("ids", out var idsFlag) && idsFlag.ValueKind == JsonValueKind.True;
            if (root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                var value = text.GetString()!;
                count = tokenizer.CountTokens(value);
                ids = wantIds && tokenizer.IsExact ? tokenizer.EncodeToIds(value) : null;
            }
            else if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                try
                {
                    count = TokenCounter.CountChat(tokenizer, OpenAIRequestCodec.Decode(request.Body.Span));
                }
                catch (TranslationException ex)
                {
                    return GatewayErrors.InvalidRequest(ex.Message, "invalid_messages", "messages");
                }
            }
            else
            {
                return GatewayErrors.InvalidRequest("Send either 'text' (a string) or 'messages' (a chat) to count.", "missing_input", "text");
            }
        }

        context.Response.Headers[CountHeader] = tokenizer.IsExact ? "exact" : "estimated";
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("model", request.ModelAlias);
        json.WriteString("tokenizer", tokenizer.Family);
        json.WriteBoolean("exact", tokenizer.IsExact);
        json.WriteNumber("count", count);
        if (ids is not null)
        {
            json.WriteStartArray("ids");
            foreach (var id in ids)
            {
                json.WriteNumberValue(id);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        return null;
    }

    private static async Task<GatewayError?> CountMessagesAsync(HttpContext context, GatewayContext request, TokenCounter counter)
    {
        ChatRequest messages;
        try
        {
            // count_tokens takes a Messages request without max_tokens; the codec requires one, and it does not change the count.
            messages = AnthropicRequestCodec.Decode(request.Facts.MaxTokens is null ? WithMaxTokens(request.Body.Span, request.Facts.ObjectStart) : request.Body.Span);
        }
        catch (TranslationException ex)
        {
            return GatewayErrors.InvalidRequest(ex.Message, "invalid_request_error");
        }

        var tokenizer = counter.For(request.Alias);
        var count = TokenCounter.CountChat(tokenizer, messages);
        context.Response.Headers[CountHeader] = tokenizer.IsExact ? "exact" : "estimated";
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteNumber("input_tokens", count);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        return null;
    }

    private static byte[] WithMaxTokens(ReadOnlySpan<byte> body, int objectStart)
    {
        var rest = body[objectStart..];
        var empty = rest.TrimStart(" \r\n\t"u8) is [(byte)'}', ..];
        var insert = empty ? "\"max_tokens\":1"u8 : "\"max_tokens\":1,"u8;
        return [.. body[..objectStart], .. insert, .. rest];
    }
}
