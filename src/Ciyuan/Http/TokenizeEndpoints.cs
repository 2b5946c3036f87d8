using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Hosting;
using Ciyuan.Pipeline;
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
        routes.MapPost("/v1/tokenize", TokenizeAsync);
        routes.MapPost("/v1/messages/count_tokens", CountTokensAsync);
        return routes;
    }

    private static async Task TokenizeAsync(HttpContext context, RequestIntake intake, RequestLimits limits, TokenCounter counter, GatewayState state)
    {
        var result = await intake.ReadAsync(context, "tokenize", state.Config.Server.MaxTokenizeBytes, "server.max_tokenize_bytes").ConfigureAwait(false);
        if (result.Error is { } error)
        {
            await OpenAIErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        using var body = result.Body!;
        if (await limits.AdmitAsync(result.Request!, estimatedTokens: 0).ConfigureAwait(false) is { } limited)
        {
            await OpenAIErrorWriter.WriteAsync(context, limited).ConfigureAwait(false);
            return;
        }

        try
        {
            await CountTextAsync(context, result, body, counter).ConfigureAwait(false);
        }
        finally
        {
            await limits.FinishAsync(result.Request!).ConfigureAwait(false);
        }
    }

    private static async Task CountTextAsync(HttpContext context, IntakeResult result, RequestBody body, TokenCounter counter)
    {
        var tokenizer = counter.For(result.Alias!);
        int count;
        IReadOnlyList<int>? ids = null;
        using (var document = JsonDocument.Parse(body.Memory))
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
                    count = TokenCounter.CountChat(tokenizer, OpenAIRequestCodec.Decode(body.Span));
                }
                catch (TranslationException ex)
                {
                    await OpenAIErrorWriter.WriteAsync(context, OpenAIError.InvalidRequest(ex.Message, "invalid_messages", "messages")).ConfigureAwait(false);
                    return;
                }
            }
            else
            {
                await OpenAIErrorWriter.WriteAsync(context, OpenAIError.InvalidRequest(
                    "Send either 'text' (a string) or 'messages' (a chat) to count.", "missing_input", "text")).ConfigureAwait(false);
                return;
            }
        }

        context.Response.Headers[CountHeader] = tokenizer.IsExact ? "exact" : "estimated";
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("model", result.Alias!.Name);
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
    }

    private static async Task CountTokensAsync(HttpContext context, RequestIntake intake, RequestLimits limits, TokenCounter counter, GatewayState state)
    {
        var result = await intake.ReadAsync(context, "count_tokens", state.Config.Server.MaxTokenizeBytes, "server.max_tokenize_bytes").ConfigureAwait(false);
        if (result.Error is { } error)
        {
            await AnthropicErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        using var body = result.Body!;
        if (await limits.AdmitAsync(result.Request!, estimatedTokens: 0).ConfigureAwait(false) is { } limited)
        {
            await AnthropicErrorWriter.WriteAsync(context, limited).ConfigureAwait(false);
            return;
        }

        try
        {
            await CountMessagesAsync(context, result, body, counter).ConfigureAwait(false);
        }
        finally
        {
            await limits.FinishAsync(result.Request!).ConfigureAwait(false);
        }
    }

    private static async Task CountMessagesAsync(HttpContext context, IntakeResult result, RequestBody body, TokenCounter counter)
    {
        ChatRequest request;
        try
        {
            // count_tokens takes a Messages request without max_tokens; the codec requires one, and it does not change the count.
            request = AnthropicRequestCodec.Decode(result.Facts!.MaxTokens is null ? WithMaxTokens(body.Span, result.Facts.ObjectStart) : body.Span);
        }
        catch (TranslationException ex)
        {
            await AnthropicErrorWriter.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", ex.Message).ConfigureAwait(false);
            return;
        }

        var tokenizer = counter.For(result.Alias!);
        var count = TokenCounter.CountChat(tokenizer, request);
        context.Response.Headers[CountHeader] = tokenizer.IsExact ? "exact" : "estimated";
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteNumber("input_tokens", count);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] WithMaxTokens(ReadOnlySpan<byte> body, int objectStart)
    {
        var rest = body[objectStart..];
        var empty = rest.TrimStart(" \r\n\t"u8) is [(byte)'}', ..];
        var insert = empty ? "\"max_tokens\":1"u8 : "\"max_tokens\":1,"u8;
        return [.. body[..objectStart], .. insert, .. rest];
    }
}
