using System.Text;
using System.Text.Json;

namespace Ciyuan.Tokenizers.Chat;

/// <summary>
/// Qwen3's chat template (tokenizer_config.json <c>chat_template</c>) written out in C#: ChatML turns, a tools
/// system block, <c>&lt;think&gt;</c> handling after the last user query, tool responses folded into user turns.
/// Tool-call arguments that are JSON objects are re-serialised with Python's <c>json.dumps</c> layout, as vLLM
/// does before rendering (it parses OpenAI's argument strings into dicts).
/// </summary>
internal sealed class QwenChatFormat : IChatFormat
{
    private const string ToolsHeader =
        "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>";

    private const string ToolsFooter =
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

    public int Count(ITokenizer tokenizer, ChatTokenCountRequest request) => tokenizer.CountTokens(Render(request));

    public static string Render(ChatTokenCountRequest request)
    {
        var messages = request.Messages;
        var sb = new StringBuilder();
        var tools = ChatTools.Parse(request.ToolsJson);
        var firstIsSystem = messages.Count > 0 && messages[0].Role == "system";
        if (tools.Count > 0)
        {
            sb.Append("<|im_start|>system\n");
            if (firstIsSystem)
            {
                sb.Append(messages[0].Content).Append("\n\n");
            }

            sb.Append(ToolsHeader);
            foreach (var tool in tools)
            {
                sb.Append('\n');
                PythonJson.Write(sb, tool);
            }

            sb.Append(ToolsFooter);
        }
        else if (firstIsSystem)
        {
            sb.Append("<|im_start|>system\n").Append(messages[0].Content).Append("<|im_end|>\n");
        }

        var lastQueryIndex = messages.Count - 1;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var m = messages[i];
            if (m.Role == "user" && !(m.Content.StartsWith("<tool_response>", StringComparison.Ordinal) && m.Content.EndsWith("</tool_response>", StringComparison.Ordinal)))
            {
                lastQueryIndex = i;
                break;
            }
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Role == "user" || (message.Role == "system" && i != 0))
            {
                sb.Append("<|im_start|>").Append(message.Role).Append('\n').Append(message.Content).Append("<|im_end|>\n");
            }
            else if (message.Role == "assistant")
            {
                AppendAssistant(sb, message, i, i == messages.Count - 1, lastQueryIndex);
            }
            else if (message.Role == "tool")
            {
                if (i == 0 || messages[i - 1].Role != "tool")
                {
                    sb.Append("<|im_start|>user");
                }

                sb.Append("\n<tool_response>\n").Append(message.Content).Append("\n</tool_response>");
                if (i == messages.Count - 1 || messages[i + 1].Role != "tool")
                {
                    sb.Append("<|im_end|>\n");
                }
            }
        }

        if (request.AddGenerationPrompt)
        {
            sb.Append("<|im_start|>assistant\n");
            if (request.EnableThinking == false)
            {
                sb.Append("<think>\n\n</think>\n\n");
            }
        }

        return sb.ToString();
    }

    private static void AppendAssistant(StringBuilder sb, ChatTokenMessage message, int index, bool isLast, int lastQueryIndex)
    {
        var content = message.Content;
        var reasoning = "";
        if (message.ReasoningContent is not null)
        {
            reasoning = message.ReasoningContent;
        }
        else if (content.Contains("</think>", StringComparison.Ordinal))
        {
            var parts = content.Split("</think>");
            reasoning = parts[0].TrimEnd('\n').Split("<think>")[^1].TrimStart('\n');
            content = parts[^1].TrimStart('\n');
        }

        sb.Append("<|im_start|>assistant\n");
        if (index > lastQueryIndex && (isLast || reasoning.Length > 0))
        {
            sb.Append("<think>\n").Append(reasoning.Trim('\n')).Append("\n</think>\n\n").Append(content.TrimStart('\n'));
        }
        else
        {
            sb.Append(content);
        }

        if (message.ToolCalls is { Count: > 0 } calls)
        {
            for (var j = 0; j < calls.Count; j++)
            {
                if ((j == 0 && content.Length > 0) || j > 0)
                {
                    sb.Append('\n');
                }

                sb.Append("<tool_call>\n{\"name\": \"").Append(calls[j].Name).Append("\", \"arguments\": ");
                AppendArguments(sb, calls[j].ArgumentsJson);
                sb.Append("}\n</tool_call>");
            }
        }

        sb.Append("<|im_end|>\n");
    }

    private static void AppendArguments(StringBuilder sb, string arguments)
    {
        if (PythonJson.TryParse(arguments, out var document) && document!.RootElement.ValueKind == JsonValueKind.Object)
        {
            using (document)
            {
                PythonJson.Write(sb, document.RootElement);
            }

            return;
        }

        document?.Dispose();
        sb.Append(arguments);
    }
}
