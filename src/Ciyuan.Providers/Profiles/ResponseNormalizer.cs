using System.Text.Json;
using System.Text.Json.Nodes;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Makes a vendor's OpenAI-dialect output look like standard OpenAI for clients: reasoning in
/// <c>reasoning_content</c>, usage at the top level with <c>prompt_tokens_details.cached_tokens</c>,
/// vendor finish reasons mapped. Every method returns null when nothing changes, so the relay
/// forwards the original bytes.
/// </summary>
public static class ResponseNormalizer
{
    public static byte[]? NormalizeCompletion(ProviderProfile profile, ReadOnlySpan<byte> body)
    {
        if (!profile.HasResponseRules)
        {
            return null;
        }

        var thinkTags = profile.ExtractThinkTags && ResponseSignals.MayHoldThinkTag(body);
        if (!thinkTags && !new ResponseSignals(profile).MayNeedRewrite(body))
        {
            return null;
        }

        if (Parse(body) is not { } root)
        {
            return null;
        }

        var splitters = new Dictionary<int, ThinkTagSplitter>();
        ThinkTagSplitter? SplitterFor(int index) => thinkTags ? splitters.GetValueOrDefault(index) ?? (splitters[index] = new ThinkTagSplitter()) : null;
        return ChunkRewriter.Rewrite(root, profile, SplitterFor, stream: false) ? JsonOutput.ToBytes(root) : null;
    }

    /// <summary>One normalizer per upstream stream: it carries think-tag state across chunks.</summary>
    public static StreamNormalizer CreateStreamNormalizer(ProviderProfile profile) => new(profile);

    /// <summary>
    /// MiniMax reports failures as HTTP 200 with <c>base_resp.status_code != 0</c>. Returns the vendor
    /// code (e.g. 1008 insufficient balance) and message; feed the body to <c>ProviderErrorReader</c>
    /// to classify it (it reads <c>base_resp</c>).
    /// </summary>
    public static bool TryReadEmbeddedError(ProviderProfile profile, ReadOnlySpan<byte> body, out int statusCode, out string message)
    {
        statusCode = 0;
        message = string.Empty;
        if (!profile.EmbedsErrorsInBody || body.IndexOf("\"base_resp\""u8) < 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isBaseResp = reader.ValueTextEquals("base_resp"u8);
                reader.Read();
                if (isBaseResp && reader.TokenType == JsonTokenType.StartObject)
                {
                    return ReadBaseResp(ref reader, out statusCode, out message);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A garbled body is not an embedded error; the relay's own checks handle it.
        }

        return false;
    }

    private static bool ReadBaseResp(ref Utf8JsonReader reader, out int statusCode, out string message)
    {
        statusCode = 0;
        message = string.Empty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status_code"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code))
            {
                statusCode = code;
            }
            else if (reader.ValueTextEquals("status_msg"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                message = reader.GetString() ?? string.Empty;
            }
            else
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    reader.Read();
                }

                reader.Skip();
            }
        }

        return statusCode != 0;
    }

    internal static JsonObject? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON (or not an object): forward as is; metering flags it as malformed.
            return null;
        }
    }
}
