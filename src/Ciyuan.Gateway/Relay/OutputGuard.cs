using Ciyuan.Core.Budgets;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// Holds an upstream to what the request allows it to send: a stream that outgrows the request's
/// output ceiling is cut, and a whole body larger than the ceiling could justify is refused — so a
/// budget hold bounds what is relayed, not only what is billed. The bounds are generous lower
/// bounds on tokens, never estimates: each frame that carries generated text carries at least one
/// token, and no vocabulary has a token of more than <see cref="TextBytesPerToken"/> bytes. A
/// vendor may run a little past a limit (a final token, a stop sequence), so frames are allowed
/// 2 % and 16 more before the cut; whatever it claims above the ceiling is still counted at it.
/// </summary>
internal sealed class OutputGuard
{
    /// <summary>Bytes one token's text may take (the longest tokens of the shipped vocabularies are far shorter).</summary>
    public const int TextBytesPerToken = 32;

    /// <summary>Bytes one stream frame may take per token it carries: ids, model name and choice framing.</summary>
    private const int FrameBytesPerToken = 1024;

    /// <summary>With log probabilities, each token also carries its alternatives.</summary>
    private const int FrameBytesPerTokenWithLogprobs = 8192;

    /// <summary>Room for what is not generated text: the envelope of a body, the first and last frames.</summary>
    private const long EnvelopeBytes = 64 * 1024;

    private readonly long _maxTextFrames;
    private readonly long _maxTextBytes;
    private readonly long _maxRawBytes;
    private long _textFrames;
    private long _textBytes;
    private long _rawBytes;

    public OutputGuard(TokenCeiling ceiling, bool logprobs)
    {
        Ceiling = ceiling.OutputTokens;
        _maxTextFrames = ceiling.OutputTokens + (ceiling.OutputTokens / 50) + 16;
        _maxTextBytes = (ceiling.OutputTokens * TextBytesPerToken) + EnvelopeBytes;
        _maxRawBytes = (ceiling.OutputTokens * (logprobs ? FrameBytesPerTokenWithLogprobs : FrameBytesPerToken)) + EnvelopeBytes;
    }

    /// <summary>The output tokens the request allows on this deployment.</summary>
    public long Ceiling { get; }

    /// <summary>True once the answer has run past what the request allows.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>UTF-8 bytes of generated text seen so far.</summary>
    public long TextBytes => _textBytes;

    /// <summary>Counts one relayed frame; true when the answer has now run past the request's limit.</summary>
    public bool Add(int frameBytes, int textBytes)
    {
        _rawBytes += frameBytes;
        if (textBytes > 0)
        {
            _textFrames++;
            _textBytes += textBytes;
        }

        Exceeded |= _textFrames > _maxTextFrames || _textBytes > _maxTextBytes || _rawBytes > _maxRawBytes;
        return Exceeded;
    }

    /// <summary>
    /// The largest whole (non-streamed) body the request can justify, within the configured bound:
    /// every token as escaped text, plus the envelope. Requests that generate nothing (embeddings)
    /// get the configured bound alone.
    /// </summary>
    public static long MaxBodyBytes(TokenCeiling ceiling, bool logprobs, long configured)
    {
        if (ceiling.OutputTokens == 0)
        {
            return configured;
        }

        var perToken = logprobs ? FrameBytesPerTokenWithLogprobs : TextBytesPerToken * 4;
        var justified = (ceiling.OutputTokens * perToken) + EnvelopeBytes;
        return Math.Min(justified, configured);
    }

    /// <summary>The message for a stream cut (or a body refused) for running past the limit.</summary>
    public static string Message(string provider, long ceiling) =>
        $"provider '{provider}' sent more output than this request allows ({ceiling:N0} tokens, n and max_tokens included); the answer was cut off and is billed at that limit";
}
