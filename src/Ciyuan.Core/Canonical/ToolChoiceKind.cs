namespace Ciyuan.Core.Canonical;

/// <summary>OpenAI auto / required / none / function ⇄ Anthropic auto / any / none / tool.</summary>
public enum ToolChoiceKind
{
    Auto,
    Required,
    None,
    Tool,
}
