using System.Text;

namespace Ciyuan.EndToEnd.Tests.Tokenize;

/// <summary>Deterministic mixed text as files to count hold it: English and Chinese prose, code, emoji, numbers, whitespace runs, CRLF lines.</summary>
internal static class MixedText
{
    private static readonly string[] s_parts =
    [
        "The gateway meters every token that passes through it, ", "and budgets hold the worst case before a request leaves. ",
        "我们的网关在请求发出之前就预留了预算，", "每一个令牌都被精确地计数。", "大语言模型的分词器需要精确计数",
        "public static int Count(ReadOnlySpan<char> text) => text.Length;\n", "    if (x > 0) { return y; }\r\n",
        "{\"model\": \"qwen3\", \"max_tokens\": 2048}\n", "😀👍🏽🚀 ", "1234567 ", "3.14159 ", "        ", "\t\t", "\n\n\n", "\n",
        "I'm sure they'll say it's fine; WE'LL SEE. ", "naïve café résumé ", "<|im_end|>", "<|endoftext|>",
    ];

    public static string Create(int utf8Bytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        var bytes = 0;
        while (bytes < utf8Bytes)
        {
            var part = s_parts[random.Next(s_parts.Length)];
            text.Append(part);
            bytes += Encoding.UTF8.GetByteCount(part);
        }

        return text.ToString();
    }
}
