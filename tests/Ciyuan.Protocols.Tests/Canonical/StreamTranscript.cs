using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

/// <summary>Folds stream events into the assistant message a client would store, as SDKs do.</summary>
internal static class StreamTranscript
{
    public static List<ContentPart> Accumulate(IEnumerable<StreamEvent> events)
    {
        var parts = new List<ContentPart>();
        var tools = new Dictionary<int, int>();
        foreach (var e in events)
        {
            switch (e)
            {
                case ReasoningDelta delta when parts is [.., ReasoningPart { Signature: null, RedactedData: null } open]:
                    parts[^1] = open with { Text = open.Text + delta.Text };
                    break;
                case ReasoningDelta delta:
                    parts.Add(new ReasoningPart(delta.Text));
                    break;
                case ReasoningSignature signature when parts is [.., ReasoningPart { Signature: null, RedactedData: null } open]:
                    parts[^1] = open with { Signature = signature.Signature };
                    break;
                case ReasoningSignature signature:
                    parts.Add(new ReasoningPart("", signature.Signature));
                    break;
                case RedactedReasoning redacted:
                    parts.Add(new ReasoningPart("", null, redacted.Data));
                    break;
                case TextDelta text when parts is [.., TextPart open]:
                    parts[^1] = open with { Text = open.Text + text.Text };
                    break;
                case TextDelta text:
                    parts.Add(new TextPart(text.Text));
                    break;
                case ToolCallStarted call:
                    tools[call.Index] = parts.Count;
                    parts.Add(new ToolCallPart(call.Id, call.Name, ""));
                    break;
                case ToolCallArgumentsDelta arguments:
                    var at = tools[arguments.Index];
                    var part = (ToolCallPart)parts[at];
                    parts[at] = part with { ArgumentsJson = part.ArgumentsJson + arguments.Json };
                    break;
                default:
                    break;
            }
        }

        return parts;
    }

    /// <summary>
    /// What a coding agent's transcript must not lose, one line each: texts, reasoning with its
    /// signature, tool ids and arguments (as parsed JSON, so whitespace does not count), results
    /// with their error flag. Formatting-only differences (message splitting, cache markers) are out.
    /// </summary>
    public static List<string> Facts(IEnumerable<ChatMessage> messages)
    {
        var facts = new List<string>();
        var list = messages.ToList();

        // OpenAI has one system string where Anthropic has blocks: compare the joined text.
        var system = list.Where(static m => m.Role == ChatRole.System).SelectMany(static m => m.Content).OfType<TextPart>().Select(static t => t.Text).ToList();
        if (system.Count > 0)
        {
            facts.Add("System text: " + string.Join("\n\n", system));
        }

        foreach (var message in list.Where(static m => m.Role != ChatRole.System))
        {
            foreach (var part in message.Content)
            {
                facts.Add(Fact(message.Role, part));
            }
        }

        return facts;
    }

    private static string Fact(ChatRole role, ContentPart part) => part switch
    {
        TextPart text => $"{role} text: {text.Text}",
        ReasoningPart reasoning => $"{role} reasoning: {reasoning.Text} | signature={(string.IsNullOrEmpty(reasoning.Signature) ? "-" : reasoning.Signature)} | redacted={reasoning.RedactedData ?? "-"}",
        ToolCallPart call => $"{role} call {call.Id} {call.Name} {System.Text.Json.Nodes.JsonNode.Parse(call.ArgumentsJson)!.ToJsonString()}",
        ToolResultPart result => $"{role} result {result.ToolCallId} error={result.IsError}: {string.Join("\n", result.Content.OfType<TextPart>().Select(static t => t.Text))}",
        _ => $"{role} {part}",
    };
}
