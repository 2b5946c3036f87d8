using System.Text;

namespace Ciyuan.Benchmarks.Tokenizers;

/// <summary>
/// A deterministic ~1 MB (UTF-8) corpus: 45% English prose, 35% Chinese prose, 20% code and JSON, with emoji,
/// numbers and whitespace runs sprinkled in. Built from word and phrase pools with a fixed seed.
/// </summary>
internal static class BenchmarkCorpus
{
    public const int TargetUtf8Bytes = 1 << 20;

    private static readonly string[] s_english = (
        "the of and to in is that for it as with was on be by this are from or an have not they which one you were " +
        "all we when there can been has more if will their so what about would them some into only other time could " +
        "gateway request response stream token budget provider model latency throughput cache tenant project policy " +
        "routing fallback deployment region limit quota invoice ledger reservation settlement streaming connection " +
        "configuration implementation international approximately infrastructure observability reliability " +
        "customers engineers developers operators reported measured estimated upgraded deployed rejected retried " +
        "quickly carefully roughly exactly nearly already usually however therefore meanwhile although because " +
        "Monday January Shanghai Beijing Singapore London OpenAI DeepSeek Qwen Kimi GLM MiniMax Ciyuan Kubernetes").Split(' ');

    private static readonly string[] s_englishTails = ["'s", "'t", "'ll", "'re", "", "", "", "", "", ""];

    private static readonly string[] s_chinese = (
        "我们 你们 他们 今天 明天 昨天 模型 网关 请求 响应 预算 令牌 计数 供应商 延迟 吞吐量 缓存 项目 策略 路由 回退 部署 地区 " +
        "限额 配额 账单 结算 连接 配置 实现 国际 大约 基础设施 可观测性 可靠性 客户 工程师 开发者 运维 报告 测量 估计 升级 拒绝 " +
        "重试 快速 仔细 大概 准确 几乎 已经 通常 但是 因此 同时 虽然 因为 上海 北京 深圳 杭州 人工智能 大语言模型 分词器 " +
        "的 了 是 在 和 有 也 都 就 不 这 那 一个 没有 可以 需要 应该 已经 正在 进行 使用 支持 提供 通过 根据 对于 关于 " +
        "中文 英文 数据 文件 系统 服务 用户 问题 方法 结果 时间 成本 价格 每 百万 输入 输出 思考 推理 工具 调用 函数 参数").Split(' ');

    private static readonly string[] s_chinesePunct = ["，", "，", "，", "。", "、", "；", "：", "！", "？", "“", "”", "（", "）"];

    private static readonly string[] s_code =
    [
        "public static int CountTokens(ReadOnlySpan<char> text)\n{\n    var total = 0;\n    foreach (var piece in Split(text))\n    {\n        total += Encode(piece).Count;\n    }\n\n    return total;\n}\n",
        "def route(request, deployments):\n    \"\"\"Pick the cheapest healthy deployment.\"\"\"\n    healthy = [d for d in deployments if d.healthy and d.region in request.allowed]\n    return min(healthy, key=lambda d: d.price_per_million)\n",
        "{\n  \"model\": \"qwen3-235b-a22b\",\n  \"messages\": [\n    {\"role\": \"system\", \"content\": \"You are a helpful assistant.\"},\n    {\"role\": \"user\", \"content\": \"总结一下这份报告\"}\n  ],\n  \"max_tokens\": 2048,\n  \"temperature\": 0.6,\n  \"stream\": true\n}\n",
        "SELECT project_id, SUM(input_tokens) AS input, SUM(output_tokens) AS output\nFROM usage\nWHERE created_at >= '2026-01-01'\nGROUP BY project_id\nORDER BY input DESC;\n",
        "for (let i = 0; i < chunks.length; i++) {\n\tconst delta = chunks[i].choices?.[0]?.delta ?? {};\n\tif (delta.content) out.push(delta.content);\n}\n",
    ];

    private static readonly string[] s_extras = ["😀", "👍🏽", "🚀", "✅", "🇨🇳", "  ", "\t", "\n\n", "2026", "3.14159", "1,299.00", "¥88", "#42", "https://example.com/v1/chat/completions"];

    public static string Create(int seed = 20261123)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(TargetUtf8Bytes);
        var bytes = 0;
        while (bytes < TargetUtf8Bytes)
        {
            var start = sb.Length;
            var roll = random.Next(100);
            if (roll < 45)
            {
                EnglishParagraph(sb, random);
            }
            else if (roll < 80)
            {
                ChineseParagraph(sb, random);
            }
            else
            {
                sb.Append(s_code[random.Next(s_code.Length)]);
            }

            if (random.Next(4) == 0)
            {
                sb.Append(s_extras[random.Next(s_extras.Length)]);
            }

            sb.Append(random.Next(3) == 0 ? "\n\n" : "\n");
            bytes += Encoding.UTF8.GetByteCount(sb.ToString(start, sb.Length - start));
        }

        return sb.ToString();
    }

    private static void EnglishParagraph(StringBuilder sb, Random random)
    {
        var sentences = 2 + random.Next(5);
        for (var s = 0; s < sentences; s++)
        {
            var words = 6 + random.Next(18);
            for (var w = 0; w < words; w++)
            {
                var word = s_english[random.Next(s_english.Length)];
                if (w == 0)
                {
                    word = char.ToUpperInvariant(word[0]) + word[1..];
                }

                sb.Append(word).Append(s_englishTails[random.Next(s_englishTails.Length)]);
                sb.Append(w == words - 1 ? (random.Next(5) == 0 ? "? " : ". ") : random.Next(9) == 0 ? ", " : " ");
            }
        }
    }

    private static void ChineseParagraph(StringBuilder sb, Random random)
    {
        var clauses = 3 + random.Next(8);
        for (var c = 0; c < clauses; c++)
        {
            var words = 3 + random.Next(10);
            for (var w = 0; w < words; w++)
            {
                sb.Append(s_chinese[random.Next(s_chinese.Length)]);
                if (random.Next(25) == 0)
                {
                    sb.Append(random.Next(2) == 0 ? "GPU" : random.Next(100000).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            sb.Append(s_chinesePunct[random.Next(s_chinesePunct.Length)]);
        }
    }
}
