namespace Ciyuan.Tokenizers;

/// <summary>A user-supplied tokenizer file for a family (config section <c>tokenizers:</c>).</summary>
/// <param name="Path">Path of the file.</param>
/// <param name="Format"><c>tokenizer.json</c> (Hugging Face) or <c>tiktoken</c> (base64 rank file).</param>
/// <param name="Pattern">For <c>tiktoken</c>: the pre-tokenizer split regex; <see langword="null"/> means the
/// family default (Kimi's pattern for <c>kimi_k2</c>, otherwise o200k's).</param>
/// <param name="SpecialTokens">For <c>tiktoken</c>: special token strings and their ids.</param>
public sealed record TokenizerFileSpec(
    string Path,
    string Format,
    string? Pattern = null,
    IReadOnlyDictionary<string, int>? SpecialTokens = null)
{
    /// <summary>The <see cref="Format"/> value for Hugging Face <c>tokenizer.json</c> files.</summary>
    public const string TokenizerJsonFormat = "tokenizer.json";

    /// <summary>The <see cref="Format"/> value for tiktoken base64 rank files.</summary>
    public const string TiktokenFormat = "tiktoken";
}
