using System.Text.Json;
using System.Text.Json.Nodes;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Remembers the reasoning of assistant turns that made tool calls, keyed by tool-call id, so it can
/// be sent back to vendors that require it (DeepSeek: 400 "The reasoning_content in the thinking
/// mode must be passed back"; Kimi and MiniMax likewise) even when the client dropped it — most
/// OpenAI SDKs do not keep unknown fields in history. Reasoning is replayed only to the kind that
/// produced it: one vendor's thoughts are meaningless (and a privacy leak) to another.
/// Bounded: least-recently-used entries are evicted beyond <c>capacity</c> entries or
/// <c>maxChars</c> characters. Thread-safe.
/// </summary>
public sealed class ReasoningReplayStore(int capacity = 100_000, long maxChars = 32L * 1024 * 1024)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private long _chars;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    public void Remember(string providerKind, IEnumerable<string> toolCallIds, string reasoning)
    {
        lock (_gate)
        {
            foreach (var id in toolCallIds)
            {
                if (_byId.Remove(id, out var old))
                {
                    _recency.Remove(old);
                    _chars -= old.Value.Reasoning.Length;
                }

                _byId[id] = _recency.AddFirst(new Entry(id, providerKind, reasoning));
                _chars += reasoning.Length;
            }

            while (_recency.Last is { } last && (_byId.Count > capacity || _chars > maxChars))
            {
                _recency.RemoveLast();
                _byId.Remove(last.Value.Id);
                _chars -= last.Value.Reasoning.Length;
            }
        }
    }

    /// <summary>The stored reasoning for a tool-call id and the kind that produced it.</summary>
    public bool TryGet(string toolCallId, out string providerKind, out string reasoning)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(toolCallId, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                (providerKind, reasoning) = (node.Value.Kind, node.Value.Reasoning);
                return true;
            }
        }

        (providerKind, reasoning) = (string.Empty, string.Empty);
        return false;
    }

    /// <summary>
    /// Before a request goes to <paramref name="targetKind"/>: re-inserts missing reasoning on assistant
    /// tool-call turns when the target requires replay, and strips <c>reasoning_content</c> from history
    /// when the target rejects it. Returns null when nothing changes.
    /// </summary>
    public byte[]? Apply(string targetKind, ProviderProfile profile, ReadOnlySpan<byte> openAIBody)
    {
        var insert = profile.RequiresReasoningReplay && openAIBody.IndexOf("\"tool_calls\""u8) >= 0;
        var strip = !profile.AcceptsReasoningInHistory && openAIBody.IndexOf("\"reasoning_content\""u8) >= 0;
        if (!insert && !strip)
        {
            return null;
        }

        var request = TopLevelObject.Read(openAIBody);
        var index = request?.IndexOf(openAIBody, "messages") ?? -1;
        if (index < 0 || ParseArray(openAIBody[request!.Members[index].Value]) is not { } messages)
        {
            return null;
        }

        var splitIndex = request.IndexOf(openAIBody, "reasoning_split");
        var reasoningSplit = splitIndex >= 0 && JsonValues.IsTrue(openAIBody[request.Members[splitIndex].Value]);
        var changed = false;
        foreach (var message in messages.OfType<JsonObject>())
        {
            if (message["role"]?.GetValueKind() != JsonValueKind.String || (string?)message["role"] != "assistant")
            {
                continue;
            }

            if (strip && message.Remove(ReasoningFields.ReasoningContent))
            {
                changed = true;
            }

            if (insert && message["tool_calls"] is JsonArray { Count: > 0 } calls && !HasReasoning(message))
            {
                changed |= Insert(message, calls, targetKind, profile, reasoningSplit);
            }
        }

        if (!changed)
        {
            return null;
        }

        var rewriter = new ObjectRewriter(request);
        rewriter.Replace(index, "messages", JsonOutput.ToBytes(messages), "reasoning replayed or stripped");
        return rewriter.Write(openAIBody);
    }

    private bool Insert(JsonObject message, JsonArray calls, string targetKind, ProviderProfile profile, bool reasoningSplit)
    {
        string? reasoning = null;
        foreach (var call in calls.OfType<JsonObject>())
        {
            if (call["id"] is JsonValue id && id.TryGetValue<string>(out var callId)
                && TryGet(callId, out var kind, out var stored) && kind == targetKind)
            {
                reasoning = stored;
                break;
            }
        }

        switch (profile.ReasoningField)
        {
            case ReasoningFields.ThinkTags or ReasoningFields.ReasoningDetails when reasoning is null:
                // MiniMax has no "empty reasoning" convention; send the turn as the client kept it.
                return false;

            case ReasoningFields.ThinkTags or ReasoningFields.ReasoningDetails when reasoningSplit:
                InsertBefore(message, "content", ReasoningFields.ReasoningDetails, new JsonArray(new JsonObject { ["type"] = "reasoning.text", ["text"] = reasoning }));
                return true;

            case ReasoningFields.ThinkTags or ReasoningFields.ReasoningDetails:
                // MiniMax: the whole assistant message, <think> block included, goes back unchanged.
                var content = message["content"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty;
                message["content"] = $"<think>{reasoning}</think>\n\n{content}";
                return true;

            default:
                // DeepSeek: a tool-call turn with no recorded reasoning is sent with "" rather than none.
                InsertBefore(message, "content", ReasoningFields.ReasoningContent, JsonValue.Create(reasoning ?? string.Empty));
                return true;
        }
    }

    private static bool HasReasoning(JsonObject message) =>
        message.ContainsKey(ReasoningFields.ReasoningContent) || message.ContainsKey(ReasoningFields.ReasoningDetails)
        || (message["content"] is JsonValue value && value.TryGetValue<string>(out var text) && text.TrimStart().StartsWith("<think>", StringComparison.Ordinal));

    private static void InsertBefore(JsonObject message, string before, string name, JsonNode value)
    {
        var at = message.IndexOf(before);
        message.Insert(at >= 0 ? at : message.Count, name, value);
    }

    private static JsonArray? ParseArray(ReadOnlySpan<byte> raw)
    {
        try
        {
            return JsonNode.Parse(raw) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Entry(string Id, string Kind, string Reasoning);
}
