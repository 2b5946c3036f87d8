using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ciyuan.Protocols.OpenAI;

namespace Ciyuan.Protocols.Requests;

/// <summary>
/// Rewrites an OpenAI-dialect body for the upstream with the fewest possible byte edits:
/// the <c>model</c> value is replaced, and on streams <c>stream_options.include_usage</c> is forced on
/// so every stream can be metered. Everything else — unknown fields included — is copied as is.
/// </summary>
public static class RequestPatcher
{
    /// <summary>
    /// Writes the patched body into <paramref name="output"/>. With <paramref name="clearPreviousResponse"/>,
    /// a Responses request's <c>previous_response_id</c> becomes <c>null</c>: the id is Ciyuan's, and the
    /// conversation it names is already inlined in <c>input</c>.
    /// </summary>
    public static void Patch(ReadOnlySpan<byte> body, RequestFacts facts, string upstreamModel, bool forceIncludeUsage, IBufferWriter<byte> output, bool clearPreviousResponse = false)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var edits = new List<(Range Range, byte[] Replacement)>(3);
        if (clearPreviousResponse && facts.PreviousResponseIdValue is { } previous)
        {
            edits.Add((previous, "null"u8.ToArray()));
        }

        if (facts.Model is not null && !string.Equals(facts.Model, upstreamModel, StringComparison.Ordinal))
        {
            edits.Add((facts.ModelValue, JsonSerializer.SerializeToUtf8Bytes(upstreamModel, OpenAIJsonContext.Default.String)));
        }

        if (forceIncludeUsage && !facts.IncludeUsageRequested)
        {
            if (facts.StreamOptionsValue is { } range)
            {
                edits.Add((range, RewriteStreamOptions(body[range])));
            }
            else
            {
                var insert = facts.ObjectStart;
                var needsComma = HasMembers(body, insert);
                var text = needsComma ? "\"stream_options\":{\"include_usage\":true}," : "\"stream_options\":{\"include_usage\":true}";
                edits.Add((new Range(insert, insert), System.Text.Encoding.UTF8.GetBytes(text)));
            }
        }

        edits.Sort((a, b) => a.Range.Start.Value.CompareTo(b.Range.Start.Value));
        var position = 0;
        foreach (var (range, replacement) in edits)
        {
            output.Write(body[position..range.Start.Value]);
            output.Write(replacement);
            position = range.End.Value;
        }

        output.Write(body[position..]);
    }

    private static bool HasMembers(ReadOnlySpan<byte> body, int afterBrace)
    {
        foreach (var b in body[afterBrace..])
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b != (byte)'}';
        }

        return false;
    }

    private static byte[] RewriteStreamOptions(ReadOnlySpan<byte> value)
    {
        // Rare path (the client sent stream_options without include_usage): rebuild just that object.
        var node = JsonNode.Parse(value) as JsonObject ?? [];
        node["include_usage"] = true;
        return JsonSerializer.SerializeToUtf8Bytes(node, OpenAIJsonContext.Default.JsonObject);
    }
}
