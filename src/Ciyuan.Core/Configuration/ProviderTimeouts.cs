namespace Ciyuan.Core.Configuration;

/// <summary>
/// Deadlines for one upstream call. <see cref="FirstByte"/> bounds the wait for response headers
/// (and, when streaming, the first event); <see cref="Total"/> bounds the whole exchange, so
/// keep-alive comments cannot hold a request open forever.
/// </summary>
public sealed record ProviderTimeouts(TimeSpan Connect, TimeSpan FirstByte, TimeSpan Total)
{
    public static ProviderTimeouts Default { get; } =
        new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120), TimeSpan.FromMinutes(15));
}
