namespace Ciyuan.Tokenizers;

/// <summary>An added/special token of a tokenizer file.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The literal text matched in input.</param>
/// <param name="Special">Whether the file marks it special (both kinds are matched in text).</param>
/// <param name="Normalized">Whether it is matched after normalization (Hugging Face <c>normalized</c>).</param>
internal sealed record AddedToken(int Id, string Content, bool Special, bool Normalized);
