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
        ArgumentNullException.ThrowIfNull(output);
        // At most three edits, kept on the stack: a request's patch allocates nothing on the usual path.
        Span<Edit> edits = stackalloc Edit[3];
        var count = 0;
        if (clearPreviousResponse && facts.PreviousResponseIdValue is { } previous)
        {
            edits[count++] = new Edit(previous, EditKind.Null);
        }

        if (facts.Model is not null && !string.Equals(facts.Model, upstreamModel, StringComparison.Ordinal))
        {
            edits[count++] = new Edit(facts.ModelValue, EditKind.Model);
        }

        if (forceIncludeUsage && !facts.IncludeUsageRequested)
        {
            edits[count++] = facts.StreamOptionsValue is { } range
                ? new Edit(range, EditKind.StreamOptions)
                : new Edit(new Range(facts.ObjectStart, facts.ObjectStart), HasMembers(body, facts.ObjectStart) ? EditKind.InsertUsageBeforeMembers : EditKind.InsertUsage);
        }

        edits = edits[..count];
        edits.Sort(static (a, b) => a.Range.Start.Value.CompareTo(b.Range.Start.Value));
        var position = 0;
        foreach (var edit in edits)
        {
            output.Write(body[position..edit.Range.Start.Value]);
            switch (edit.Kind)
            {
                case EditKind.Null:
                    output.Write("null"u8);
                    break;
                case EditKind.Model:
                    WriteString(output, upstreamModel);
                    break;
                case EditKind.StreamOptions:
                    output.Write(RewriteStreamOptions(body[edit.Range]));
                    break;
                case EditKind.InsertUsageBeforeMembers:
                    output.Write("\"stream_options\":{\"include_usage\":true},"u8);
                    break;
                default:
                    output.Write("\"stream_options\":{\"include_usage\":true}"u8);
                    break;
            }

            position = edit.Range.End.Value;
        }

        output.Write(body[position..]);
    }

    // Model names are nearly always plain ASCII, which JSON writes as it is; anything else goes through
    // the serializer's escaping.
    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':' or '/'))
            {
                output.Write(JsonSerializer.SerializeToUtf8Bytes(value, OpenAIJsonContext.Default.String));
                return;
            }
        }

        var span = output.GetSpan(value.Length + 2);
        span[0] = (byte)'"';
        var length = System.Text.Encoding.ASCII.GetBytes(value, span[1..]);
        span[length + 1] = (byte)'"';
        output.Advance(length + 2);
    }

    private enum EditKind : byte
    {
        Null,
        Model,
        StreamOptions,
        InsertUsage,
        InsertUsageBeforeMembers,
    }

    private readonly record struct Edit(Range Range, EditKind Kind);

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
