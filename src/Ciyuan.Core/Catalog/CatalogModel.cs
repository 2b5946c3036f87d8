namespace Ciyuan.Core.Catalog;

/// <summary>
/// A model as one provider entry serves it. Every fact that no source gave is null, never a guess;
/// <see cref="Source"/> and <see cref="SourceDate"/> say where and when the rest was read.
/// </summary>
public sealed record CatalogModel
{
    /// <summary>The <see cref="CatalogProvider.Id"/> that serves the model.</summary>
    public required string ProviderId { get; init; }

    /// <summary>The upstream <c>model</c> string, exactly as the provider expects it.</summary>
    public required string Id { get; init; }

    public string? DisplayName { get; init; }

    /// <summary>Tokenizer family (<c>qwen3</c>, <c>deepseek_v3</c>, <c>o200k</c>…); null when unknown.</summary>
    public string? Family { get; init; }

    public long? ContextWindow { get; init; }

    public long? MaxOutput { get; init; }

    /// <summary>Total parameters in billions.</summary>
    public decimal? ParamsTotalB { get; init; }

    /// <summary>Parameters active per token in billions (equal to total for dense models).</summary>
    public decimal? ParamsActiveB { get; init; }

    /// <summary>Licence of the weights (SPDX id where one exists).</summary>
    public string? License { get; init; }

    public bool? OpenWeights { get; init; }

    /// <summary>Input modalities (<c>text</c>, <c>image</c>, <c>video</c>, <c>audio</c>); empty when unknown.</summary>
    public IReadOnlyList<string> Modalities { get; init; } = [];

    public bool? SupportsTools { get; init; }

    public bool? SupportsReasoning { get; init; }

    /// <summary>List price; null when the provider's price is not known (or the model is self-hosted).</summary>
    public PriceSheet? Price { get; init; }

    public required string Source { get; init; }

    public required DateOnly SourceDate { get; init; }
}
