namespace Ciyuan.Tokenizers;

/// <summary>
/// A tokenizer for one model family. Instances are immutable, thread-safe and shared by all requests.
/// </summary>
public interface ITokenizer
{
    /// <summary>The family name, e.g. <c>qwen3</c>, <c>deepseek_v3</c>, <c>o200k</c>.</summary>
    string Family { get; }

    /// <summary>
    /// <see langword="true"/> when counts equal the reference implementation's; <see langword="false"/> for the
    /// estimate used by families that have no tokenizer file (see <see cref="TokenEstimator"/>).
    /// </summary>
    bool IsExact { get; }

    /// <summary>
    /// Counts the tokens of <paramref name="text"/> without materialising ids. No BOS/EOS is added; special and
    /// added tokens that appear in the text are matched as single tokens, as Hugging Face tokenizers do.
    /// Never throws for any input (unpaired surrogates count as U+FFFD).
    /// </summary>
    int CountTokens(ReadOnlySpan<char> text);

    /// <summary>Encodes <paramref name="text"/> to token ids (same rules as <see cref="CountTokens"/>).</summary>
    /// <exception cref="NotSupportedException">The tokenizer is an estimate (<see cref="IsExact"/> is false).</exception>
    IReadOnlyList<int> EncodeToIds(string text);

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/> (same rules as <see cref="EncodeToIds"/>).</summary>
    /// <exception cref="NotSupportedException">The tokenizer is an estimate (<see cref="IsExact"/> is false).</exception>
    void AppendIds(ReadOnlySpan<char> text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ids.AddRange(EncodeToIds(text.ToString()));
    }

    /// <summary>
    /// The last index <c>i</c> (0 &lt; i &lt; length) at which <paramref name="text"/> may be cut so that its two parts,
    /// tokenized separately, give exactly the tokens of the whole; -1 when there is none. Whether a cut is safe
    /// depends only on the characters either side of it, so it stays safe whatever text follows: long input can
    /// be tokenized in chunks, in any order, and the counts added. The default finds none.
    /// </summary>
    int LastSafeCut(ReadOnlySpan<char> text) => -1;

    /// <summary>Decodes ids to text; invalid UTF-8 sequences become U+FFFD. Unknown ids are skipped.</summary>
    /// <exception cref="NotSupportedException">The tokenizer is an estimate (<see cref="IsExact"/> is false).</exception>
    string Decode(IEnumerable<int> ids);

    /// <summary>
    /// Counts a chat request the way the provider counts prompt tokens: the family's chat template is rendered
    /// (Qwen3, DeepSeek V3) or OpenAI's documented per-message overhead is added (o200k, cl100k).
    /// </summary>
    int CountChat(ChatTokenCountRequest request);
}
