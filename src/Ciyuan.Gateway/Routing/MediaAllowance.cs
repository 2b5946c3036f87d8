namespace Ciyuan.Gateway.Routing;

/// <summary>
/// Prompt tokens a request's media may cost beyond its bytes. An image URL is a few bytes but
/// hundreds to thousands of tokens (up to 16,384 for Qwen-VL at high resolution); a video, file or
/// document reference may fill a context window. Counted from the quoted JSON tokens that name a
/// media part (<c>"image_url"</c>, <c>"image"</c>, <c>"video"</c>, …): a quote inside a string is
/// escaped, so user text cannot forge one, and a part named twice (<c>"type":"image_url"</c> and
/// its <c>"image_url"</c> member) is only counted high, never low.
/// </summary>
internal static class MediaAllowance
{
    /// <summary>Tokens held for one image.</summary>
    public const long ImageTokens = 16_384;

    /// <summary>Tokens held for one video, file or document reference: a whole 1M-token window (capped at the deployment's window).</summary>
    public const long DocumentTokens = 1_048_576;

    public static long Of(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("\"image"u8) < 0 && body.IndexOf("\"video"u8) < 0 && body.IndexOf("\"file"u8) < 0
            && body.IndexOf("\"input_"u8) < 0 && body.IndexOf("\"document"u8) < 0)
        {
            return 0;
        }

        var images = Count(body, "\"image_url\""u8) + Count(body, "\"image\""u8) + Count(body, "\"input_image\""u8);
        var documents = Count(body, "\"video_url\""u8) + Count(body, "\"video\""u8) + Count(body, "\"input_video\""u8)
            + Count(body, "\"file\""u8) + Count(body, "\"input_file\""u8) + Count(body, "\"document\""u8);
        return (images * ImageTokens) + (documents * DocumentTokens);
    }

    private static long Count(ReadOnlySpan<byte> body, ReadOnlySpan<byte> token)
    {
        long count = 0;
        int at;
        while ((at = body.IndexOf(token)) >= 0)
        {
            count++;
            body = body[(at + token.Length)..];
        }

        return count;
    }
}
