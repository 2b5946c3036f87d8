namespace Ciyuan.Tokenizers;

/// <summary>A chat request to count.</summary>
/// <param name="Messages">The conversation, in order.</param>
/// <param name="ToolsJson">Optional tool definitions: a JSON array in OpenAI format
/// (<c>[{"type":"function","function":{...}}]</c>).</param>
/// <param name="AddGenerationPrompt">Whether the assistant turn header is appended (true for a request).</param>
/// <param name="EnableThinking">Qwen3's thinking toggle; <see langword="null"/> means the template default.</param>
public sealed record ChatTokenCountRequest(
    IReadOnlyList<ChatTokenMessage> Messages,
    string? ToolsJson = null,
    bool AddGenerationPrompt = true,
    bool? EnableThinking = null);
