namespace Ciyuan.Tokenizers.Chat;

/// <summary>
/// Chat overhead for families whose template is not implemented (user-supplied GLM, MiniMax, Kimi files, and
/// the estimate): each message costs its role, content, reasoning and tool calls plus
/// <see cref="TokensPerMessage"/> (a ChatML-style header and footer), the reply header costs
/// <see cref="ReplyPriming"/>, tool definitions their JSON text. Approximate by design.
/// </summary>
internal sealed class GenericChatFormat : IChatFormat
{
    public const int TokensPerMessage = 4;
    public const int ReplyPriming = 3;

    public int Count(ITokenizer tokenizer, ChatTokenCountRequest request)
    {
        var total = request.AddGenerationPrompt ? ReplyPriming : 0;
        foreach (var message in request.Messages)
        {
            total += TokensPerMessage + tokenizer.CountTokens(message.Role) + tokenizer.CountTokens(message.Content);
            if (message.ReasoningContent is { } reasoning)
            {
                total += tokenizer.CountTokens(reasoning);
            }

            if (message.ToolCalls is { } calls)
            {
                foreach (var call in calls)
                {
                    total += TokensPerMessage + tokenizer.CountTokens(call.Name) + tokenizer.CountTokens(call.ArgumentsJson);
                }
            }
        }

        if (!string.IsNullOrEmpty(request.ToolsJson))
        {
            total += tokenizer.CountTokens(request.ToolsJson);
        }

        return total;
    }
}
