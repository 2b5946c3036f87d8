namespace Ciyuan.Gateway.Pipeline;

/// <summary>Request ids: time-ordered (UUID v7), so ledger rows sort by arrival.</summary>
internal static class RequestIds
{
    public static string New() => string.Create(36, Guid.CreateVersion7(), static (span, guid) =>
    {
        "req_".CopyTo(span);
        guid.TryFormat(span[4..], out _, "N");
    });
}
