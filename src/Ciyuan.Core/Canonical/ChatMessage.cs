namespace Ciyuan.Core.Canonical;

/// <summary>One turn of the conversation; parts keep their original order.</summary>
public sealed record ChatMessage(ChatRole Role, IReadOnlyList<ContentPart> Content)
{
    /// <summary>For <see cref="ChatRole.Tool"/> messages: the call this message answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>OpenAI's optional participant name.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Index of the message in the source body's <c>messages</c> array, so a later translation error
    /// can name the field the client actually sent. Null for messages the codec synthesised.
    /// </summary>
    public int? SourceIndex { get; init; }
}
