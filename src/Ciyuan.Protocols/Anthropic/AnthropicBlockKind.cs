namespace Ciyuan.Protocols.Anthropic;

/// <summary>The kind of content block an Anthropic stream currently has open.</summary>
internal enum AnthropicBlockKind
{
    None,
    Text,
    Thinking,
    ToolUse,
}
