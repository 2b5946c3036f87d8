using System.Text;
using System.Text.Json;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// Collects the reasoning and tool-call ids of one answer from a vendor that needs its reasoning
/// sent back on tool-call turns (DeepSeek, Kimi, MiniMax), so a client that drops
/// <c>reasoning_content</c> from its history still gets a working next turn. Only used for those
/// vendors; parses the normalised chunks, so every reasoning variant arrives as <c>reasoning_content</c>.
/// </summary>
internal sealed class ReasoningCapture(ReasoningReplayStore store, string providerKind)
{
    private readonly StringBuilder _reasoning = new();
    private readonly List<string> _toolCallIds = [];

    public static ReasoningCapture? For(ProviderProfile profile, ReasoningReplayStore store, string providerKind) =>
        profile.RequiresReasoningReplay ? new ReasoningCapture(store, providerKind) : null;

    /// <summary>A stream chunk: <c>choices[0].delta</c>.</summary>
    public void AddChunk(ReadOnlySpan<byte> chunk) => Add(chunk, "delta"u8);

    /// <summary>A whole completion: <c>choices[0].message</c>.</summary>
    public void AddCompletion(ReadOnlySpan<byte> body) => Add(body, "message"u8);

    /// <summary>Remembers the reasoning for every tool call of the answer (nothing when it made none).</summary>
    public void Commit()
    {
        if (_toolCallIds.Count > 0)
        {
            store.Remember(providerKind, _toolCallIds, _reasoning.ToString());
        }
    }

    private void Add(ReadOnlySpan<byte> json, ReadOnlySpan<byte> member)
    {
        if (json.IndexOf("\"reasoning_content\""u8) < 0 && json.IndexOf("\"tool_calls\""u8) < 0)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
                || !choices[0].TryGetProperty(member, out var message) || message.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (message.TryGetProperty("reasoning_content", out var reasoning) && reasoning.ValueKind == JsonValueKind.String)
            {
                _reasoning.Append(reasoning.GetString());
            }

            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                    {
                        _toolCallIds.Add(id.GetString()!);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not a chunk we can read; the relay forwards it regardless.
        }
    }
}
