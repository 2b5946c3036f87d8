namespace Ciyuan.Core.Configuration;

/// <summary>A user-supplied tokenizer file for a model family (config section <c>tokenizers:</c>).</summary>
public sealed record TokenizerFileConfig(string Path, string Format, string? Pattern);
