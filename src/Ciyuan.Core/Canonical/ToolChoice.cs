namespace Ciyuan.Core.Canonical;

/// <summary>How the model must use tools; <see cref="Name"/> is set for <see cref="ToolChoiceKind.Tool"/>.</summary>
public sealed record ToolChoice(ToolChoiceKind Kind, string? Name = null)
{
    public static ToolChoice Auto { get; } = new(ToolChoiceKind.Auto);

    public static ToolChoice Required { get; } = new(ToolChoiceKind.Required);

    public static ToolChoice None { get; } = new(ToolChoiceKind.None);
}
