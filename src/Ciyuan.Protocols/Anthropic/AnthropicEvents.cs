namespace Ciyuan.Protocols.Anthropic;

/// <summary>The names of Anthropic's stream events (docs/dialects.md, streaming), as read from and written to SSE.</summary>
public static class AnthropicEvents
{
    public const string MessageStart = "message_start";
    public const string ContentBlockStart = "content_block_start";
    public const string ContentBlockDelta = "content_block_delta";
    public const string ContentBlockStop = "content_block_stop";
    public const string MessageDelta = "message_delta";
    public const string MessageStop = "message_stop";
    public const string Ping = "ping";
    public const string Error = "error";

    /// <summary>An event's name as UTF-8: Anthropic's own names without an allocation per frame.</summary>
    public static ReadOnlySpan<byte> Utf8(string name) => name switch
    {
        ContentBlockDelta => "content_block_delta"u8,
        ContentBlockStart => "content_block_start"u8,
        ContentBlockStop => "content_block_stop"u8,
        MessageStart => "message_start"u8,
        MessageDelta => "message_delta"u8,
        MessageStop => "message_stop"u8,
        Ping => "ping"u8,
        Error => "error"u8,
        _ => System.Text.Encoding.UTF8.GetBytes(name),
    };
}
