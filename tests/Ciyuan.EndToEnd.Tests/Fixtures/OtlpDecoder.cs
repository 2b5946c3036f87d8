using Google.Protobuf;

namespace Ciyuan.EndToEnd.Tests.Fixtures;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1) field by
/// field with protobuf's wire reader: resource spans → resource attributes and scope spans → spans.
/// Only the fields the tests look at are kept; the rest are skipped as the wire format allows.
/// </summary>
internal static class OtlpDecoder
{
    public static List<OtlpSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var input = new CodedInputStream(request.ToArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                ReadResourceSpans(input.ReadBytes(), spans);
            }
            else
            {
                input.SkipLastField();
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ByteString bytes, List<OtlpSpan> spans)
    {
        var resource = new Dictionary<string, object>(StringComparer.Ordinal);
        var scopes = new List<ByteString>();
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    ReadAttributes(input.ReadBytes(), field: 1, resource);
                    break;
                case 2:
                    scopes.Add(input.ReadBytes());
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        foreach (var scope in scopes)
        {
            var scopeInput = scope.CreateCodedInput();
            while ((tag = scopeInput.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 2)
                {
                    spans.Add(ReadSpan(scopeInput.ReadBytes(), resource));
                }
                else
                {
                    scopeInput.SkipLastField();
                }
            }
        }
    }

    private static OtlpSpan ReadSpan(ByteString bytes, IReadOnlyDictionary<string, object> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        int kind = 0, status = 0;
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = input.ReadEnum(); break;
                case 9: ReadKeyValue(input.ReadBytes(), attributes); break;
                case 15: status = ReadStatusCode(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }

        return new OtlpSpan(traceId, spanId, parent, name, kind, status, attributes, resource);
    }

    /// <summary>A message whose field <paramref name="field"/> repeats <c>KeyValue</c> (a resource).</summary>
    private static void ReadAttributes(ByteString bytes, int field, Dictionary<string, object> into)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field)
            {
                ReadKeyValue(input.ReadBytes(), into);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static void ReadKeyValue(ByteString bytes, Dictionary<string, object> into)
    {
        var input = bytes.CreateCodedInput();
        string key = "";
        object value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = ReadAnyValue(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }

        into[key] = value;
    }

    private static object ReadAnyValue(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        object value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: value = input.ReadString(); break;
                case 2: value = input.ReadBool(); break;
                case 3: value = input.ReadInt64(); break;
                case 4: value = input.ReadDouble(); break;
                default: input.SkipLastField(); break;
            }
        }

        return value;
    }

    private static int ReadStatusCode(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var code = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3)
            {
                code = input.ReadEnum();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return code;
    }
}
