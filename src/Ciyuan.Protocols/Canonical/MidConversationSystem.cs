using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// Merges system messages that come after the conversation has started into a user message, for
/// upstreams whose chat templates take a system message only at the start. The text keeps its
/// place in time: it is appended to the user message right before it, or put at the head of the
/// next user message when an assistant turn precedes it, each inside <c>&lt;system&gt;</c> tags so
/// the model can tell it from what the user wrote.
/// </summary>
internal static class MidConversationSystem
{
    public const string OpenTag = "<system>\n";
    public const string CloseTag = "\n</system>";

    public static IReadOnlyList<ChatMessage> Fold(IReadOnlyList<ChatMessage> messages)
    {
        var first = 0;
        while (first < messages.Count && messages[first].Role == ChatRole.System)
        {
            first++;
        }

        if (!HasSystemAfter(messages, first))
        {
            return messages;
        }

        var result = new List<ChatMessage>(messages.Count);
        var pending = new List<ContentPart>();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (i < first)
            {
                result.Add(message);
                continue;
            }

            if (message.Role == ChatRole.System)
            {
                var marked = Marked(message);
                if (result.Count > 0 && result[^1].Role == ChatRole.User && pending.Count == 0)
                {
                    result[^1] = result[^1] with { Content = [.. result[^1].Content, marked] };
                }
                else
                {
                    pending.Add(marked);
                }

                continue;
            }

            if (message.Role == ChatRole.User && pending.Count > 0)
            {
                result.Add(message with { Content = [.. pending, .. message.Content] });
                pending.Clear();
                continue;
            }

            result.Add(message);
        }

        if (pending.Count > 0)
        {
            result.Add(new ChatMessage(ChatRole.User, pending));
        }

        return result;
    }

    private static bool HasSystemAfter(IReadOnlyList<ChatMessage> messages, int start)
    {
        for (var i = start; i < messages.Count; i++)
        {
            if (messages[i].Role == ChatRole.System)
            {
                return true;
            }
        }

        return false;
    }

    private static TextPart Marked(ChatMessage system) =>
        new(OpenTag + string.Join("\n\n", system.Content.OfType<TextPart>().Select(static t => t.Text)) + CloseTag);
}
