namespace Ciyuan.Tokenizers;

/// <summary>Family names understood by <see cref="TokenizerRegistry"/>.</summary>
public static class TokenizerFamilies
{
    /// <summary>Qwen 2.5 / Qwen3 (shipped).</summary>
    public const string Qwen3 = "qwen3";

    /// <summary>DeepSeek V3 / R1 / V3.x (shipped).</summary>
    public const string DeepSeekV3 = "deepseek_v3";

    /// <summary>OpenAI o200k_base: GPT-4o, GPT-4.1, o-series (shipped).</summary>
    public const string O200k = "o200k";

    /// <summary>OpenAI cl100k_base: GPT-4, GPT-3.5 (shipped).</summary>
    public const string Cl100k = "cl100k";

    /// <summary>Moonshot Kimi K2 (tiktoken file supplied by the user).</summary>
    public const string KimiK2 = "kimi_k2";

    /// <summary>Zhipu GLM (tokenizer.json supplied by the user).</summary>
    public const string Glm = "glm";

    /// <summary>MiniMax (tokenizer.json supplied by the user).</summary>
    public const string MiniMax = "minimax";

    /// <summary>Baidu ERNIE (estimate unless a file is supplied).</summary>
    public const string Ernie = "ernie";
}
