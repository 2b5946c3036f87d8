using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.OpenAI;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// OpenAI-dialect stream chunks → canonical events, for every vendor's variant: reasoning from
/// <c>reasoning_content</c>, <c>reasoning</c> or <c>reasoning_details[]</c>; usage at the top level
/// or in <c>choices[i].usage</c> on any chunk (each report replaces the last). Only
/// <c>choices[0]</c> is read: the gateway never asks for more. One instance per upstream response.
/// </summary>
public sealed class OpenAIStreamDecoder
{
    private readonly Dictionary<int, (int Ordinal, string? Id)> _tools = [];
    private bool _started;

    /// <summary>Decodes the data of one SSE record; <c>[DONE]</c> yields nothing (the caller ends the stream).</summary>
    public void Decode(ReadOnlySpan<byte> chunk, List<StreamEvent> output)
    {
        try
        {
            DecodeCore(chunk, output);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // Text that is not Unicode (an unpaired surrogate escape) or a number out of range: the
            // stream cannot be trusted after it.
            output.Add(new StreamError("api_error", "the upstream sent a chunk with text or numbers that cannot be read"));
        }
    }

    private void DecodeCore(ReadOnlySpan<byte> chunk, List<StreamEvent> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (chunk.Trim(" \r\n\t"u8).SequenceEqual("[DONE]"u8))
        {
            return;
        }

        if (_started && OpenAIPlainChunk.TryRead(chunk, out var plainText, out var plainFinish))
        {
            if (plainText is { Length: > 0 })
            {
                output.Add(new TextDelta(plainText));
            }

            if (plainFinish is not null)
            {
                output.Add(new ResponseFinished(OpenAIFinishReasons.ToCanonical(plainFinish), plainFinish));
            }

            return;
        }

        PooledJson parsed;
        try
        {
            parsed = PooledJson.Parse(chunk);
        }
        catch (TranslationException)
        {
            output.Add(new StreamError("api_error", "the upstream sent a chunk that is not a JSON object"));
            return;
        }

        using var document = parsed;
        var root = parsed.Root;

        if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            output.Add(Error(error));
            return;
        }

        if (!_started)
        {
            _started = true;
            output.Add(new ResponseStarted(String(root, "id") ?? "", String(root, "model") ?? ""));
        }

        ResponseFinished? finished = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0] is { ValueKind: JsonValueKind.Object } choice)
        {
            if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
            {
                DecodeDelta(delta, output);
            }

            if (String(choice, "finish_reason") is { } reason)
            {
                finished = new ResponseFinished(OpenAIFinishReasons.ToCanonical(reason), reason);
            }
        }

        // Finish before usage, so an encoder holding its last event for usage can flush at once.
        if (finished is not null)
        {
            output.Add(finished);
        }

        var facts = OpenAIResponseScanner.Scan(chunk);
        if (facts.HasUsage)
        {
            output.Add(new UsageReported(facts.Usage));
        }
    }

    private void DecodeDelta(JsonElement delta, List<StreamEvent> output)
    {
        var reasoning = String(delta, "reasoning_content") ?? String(delta, "reasoning");
        if (reasoning is { Length: > 0 })
        {
            output.Add(new ReasoningDelta(reasoning));
        }

        if (delta.TryGetProperty("reasoning_details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            DecodeDetails(details, textAlreadySeen: reasoning is not null, output);
        }

        if (String(delta, "content") is { Length: > 0 } text)
        {
            output.Add(new TextDelta(text));
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var call in calls.EnumerateArray())
            {
                DecodeToolCall(call, position++, output);
            }
        }
    }

    /// <summary>Details repeat the plain reasoning text on some routers; only their signatures and encrypted data are new then.</summary>
    private static void DecodeDetails(JsonElement details, bool textAlreadySeen, List<StreamEvent> output)
    {
        foreach (var detail in details.EnumerateArray())
        {
            if (detail.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (String(detail, "type") == "reasoning.encrypted")
            {
                output.Add(new RedactedReasoning(String(detail, "data") ?? ""));
                continue;
            }

            if (!textAlreadySeen && (String(detail, "text") ?? String(detail, "summary")) is { Length: > 0 } text)
            {
                output.Add(new ReasoningDelta(text));
            }

            if (String(detail, "signature") is { Length: > 0 } signature)
            {
                output.Add(new ReasoningSignature(signature));
            }
        }
    }

    /// <summary>
    /// A new upstream index, or a new id on a known index (some vendors put every call at index 0),
    /// starts a call; fragments without an id continue the call at that index.
    /// </summary>
    private void DecodeToolCall(JsonElement call, int position, List<StreamEvent> output)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var index = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : position;
        var id = String(call, "id");
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var known = _tools.TryGetValue(index, out var tool);
        if (!known || (id is { Length: > 0 } && tool.Id is not null && id != tool.Id))
        {
            var ordinal = _tools.Count == 0 ? 0 : _tools.Values.Max(static t => t.Ordinal) + 1;
            tool = (ordinal, id);
            _tools[index] = tool;
            output.Add(new ToolCallStarted(ordinal, id ?? $"call_{ordinal}", String(function, "name") ?? ""));
        }

        if (String(function, "arguments") is { Length: > 0 } arguments)
        {
            output.Add(new ToolCallArgumentsDelta(tool.Ordinal, arguments));
        }
    }

    private static StreamError Error(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return new StreamError("api_error", error.GetString()!);
        }

        var type = String(error, "type") ?? (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var code) ? code.ToString() : null);
        return new StreamError(string.IsNullOrEmpty(type) ? "api_error" : type, String(error, "message") ?? "upstream error");
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
