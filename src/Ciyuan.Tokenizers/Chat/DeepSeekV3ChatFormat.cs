using System.Text;

namespace Ciyuan.Tokenizers.Chat;

/// <summary>
/// DeepSeek V3's chat template (tokenizer_config.json <c>chat_template</c>) written out in C#, quirks included:
/// BOS first, system prompts joined at the top, tool definitions not rendered, and the <c>is_first</c> flag for
/// tool calls that is never reset. An assistant message with tool calls and empty content is the template's
/// "content is none" case. Reasoning content is not replayed by this template.
/// </summary>
internal sealed class DeepSeekV3ChatFormat : IChatFormat
{
    private const string Bos = "<｜begin▁of▁sentence｜>";
    private const string Eos = "<｜end▁of▁sentence｜>";

    public int Count(ITokenizer tokenizer, ChatTokenCountRequest request) => tokenizer.CountTokens(Render(request));

    public static string Render(ChatTokenCountRequest request)
    {
        var sb = new StringBuilder(Bos);
        var firstSystem = true;
        foreach (var message in request.Messages)
        {
            if (message.Role == "system")
            {
                if (!firstSystem)
                {
                    sb.Append("\n\n");
                }

                sb.Append(message.Content);
                firstSystem = false;
            }
        }

        bool isTool = false, isFirst = false, isOutputFirst = true;
        foreach (var message in request.Messages)
        {
            switch (message.Role)
            {
                case "user":
                    isTool = false;
                    sb.Append("<｜User｜>").Append(message.Content);
                    break;
                case "assistant" when message.Content.Length == 0 && message.ToolCalls is { Count: > 0 }:
                    isTool = false;
                    foreach (var call in message.ToolCalls)
                    {
                        if (!isFirst)
                        {
                            sb.Append("<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>")
                                .Append(call.Name).Append("\n```json\n").Append(call.ArgumentsJson).Append("\n```<｜tool▁call▁end｜>");
                            isFirst = true;
                        }
                        else
                        {
                            sb.Append("\n<｜tool▁call▁begin｜>function<｜tool▁sep｜>")
                                .Append(call.Name).Append("\n```json\n").Append(call.ArgumentsJson).Append("\n```<｜tool▁call▁end｜>")
                                .Append("<｜tool▁calls▁end｜>").Append(Eos);
                        }
                    }

                    break;
                case "assistant":
                    if (isTool)
                    {
                        sb.Append("<｜tool▁outputs▁end｜>").Append(message.Content).Append(Eos);
                        isTool = false;
                    }
                    else
                    {
                        sb.Append("<｜Assistant｜>").Append(message.Content).Append(Eos);
                    }

                    break;
                case "tool":
                    isTool = true;
                    if (isOutputFirst)
                    {
                        sb.Append("<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>").Append(message.Content).Append("<｜tool▁output▁end｜>");
                        isOutputFirst = false;
                    }
                    else
                    {
                        sb.Append("\n<｜tool▁output▁begin｜>").Append(message.Content).Append("<｜tool▁output▁end｜>");
                    }

                    break;
            }
        }

        if (isTool)
        {
            sb.Append("<｜tool▁outputs▁end｜>");
        }

        if (request.AddGenerationPrompt && !isTool)
        {
            sb.Append("<｜Assistant｜>");
        }

        return sb.ToString();
    }
}
