using System.Text;
using Ciyuan.Tokenizers.Chat;

namespace Ciyuan.Tokenizers;

/// <summary>
/// The fallback for families with no tokenizer file: <c>ceil(UTF-8 bytes / 4)</c>. About right for English
/// (~4 characters per token) and for Chinese (3 bytes per character, ~0.75 tokens per character), high for
/// code and whitespace runs. <see cref="IsExact"/> is false; ids cannot be produced.
/// </summary>
public sealed class TokenEstimator : ITokenizer
{
    /// <summary>UTF-8 bytes per estimated token.</summary>
    public const int BytesPerToken = 4;

    private static readonly GenericChatFormat s_chat = new();

    /// <summary>Creates the estimate for <paramref name="family"/>.</summary>
    public TokenEstimator(string family) => Family = family;

    /// <inheritdoc />
    public string Family { get; }

    /// <inheritdoc />
    public bool IsExact => false;

    /// <inheritdoc />
    public int CountTokens(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        var bytes = (long)Encoding.UTF8.GetByteCount(text);
        return (int)((bytes + BytesPerToken - 1) / BytesPerToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<int> EncodeToIds(string text) =>
        throw new NotSupportedException($"No tokenizer file is configured for family '{Family}'; only estimated counts are available.");

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) =>
        throw new NotSupportedException($"No tokenizer file is configured for family '{Family}'; only estimated counts are available.");

    /// <inheritdoc />
    public int CountChat(ChatTokenCountRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return s_chat.Count(this, request);
    }
}
