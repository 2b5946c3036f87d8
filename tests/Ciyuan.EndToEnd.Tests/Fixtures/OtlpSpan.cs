namespace Ciyuan.EndToEnd.Tests.Fixtures;

/// <summary>A span as an OTLP collector received it (ids in lowercase hex, attributes as text, numbers or booleans).</summary>
internal sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    int StatusCode,
    IReadOnlyDictionary<string, object> Attributes,
    IReadOnlyDictionary<string, object> Resource)
{
    public const int KindServer = 2;
    public const int KindClient = 3;
    public const int StatusError = 2;

    public object? this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value : null;
}
