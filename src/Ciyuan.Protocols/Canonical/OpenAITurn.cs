using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>One OpenAI message being assembled; each part remembers the field it came from, for errors.</summary>
internal sealed class OpenAITurn(ChatRole role, string? name, string? toolCallId)
{
    public ChatRole Role { get; } = role;

    public string? Name { get; } = name;

    public string? ToolCallId { get; } = toolCallId;

    public bool IsError { get; init; }

    public List<(ContentPart Part, string Path)> Parts { get; } = [];
}
