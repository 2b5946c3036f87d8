namespace Ciyuan.Tokenizers.Chat;

/// <summary>
/// OpenAI's documented chat overhead (openai-cookbook "How to count tokens with tiktoken"): 3 tokens per
/// message plus the tokens of each field (role, content, name), plus 3 tokens priming the reply. Message text
/// is counted as plain text: OpenAI does not honour special-token strings in user content. Tool calls count
/// their name and arguments; tool definitions count their JSON text (OpenAI renders them in an undocumented
/// format, so requests with tools are approximate).
/// </summary>
internal sealed class OpenAIChatFormat : IChatFormat
{
    private const int TokensPerMessage = 3;
    private const int ReplyPriming = 3;

    public int Count(ITokenizer tokenizer, ChatTokenCountRequest request)
    {
        var exact = (ExactTokenizer)tokenizer;
        var total = request.AddGenerationPrompt ? ReplyPriming : 0;
        foreach (var message in request.Messages)
        {
            total += TokensPerMessage + exact.CountOrdinaryTokens(message.Role) + exact.CountOrdinaryTokens(message.Content);
            if (message.ToolCalls is { } calls)
            {
                foreach (var call in calls)
                {
                    total += exact.CountOrdinaryTokens(call.Name) + exact.CountOrdinaryTokens(call.ArgumentsJson);
                }
            }
        }

        if (!string.IsNullOrEmpty(request.ToolsJson))
        {
            total += exact.CountOrdinaryTokens(request.ToolsJson);
        }

        return total;
    }
}
