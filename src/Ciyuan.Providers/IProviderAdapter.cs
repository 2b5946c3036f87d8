namespace Ciyuan.Providers;

/// <summary>
/// Sends one request to an upstream. Small on purpose: failures before a 2xx arrives are returned
/// as values (so the caller may fall back); reading and relaying the body is the caller's job,
/// written once for every provider.
/// </summary>
public interface IProviderAdapter
{
    ValueTask<UpstreamResult> SendAsync(UpstreamRequest request, CancellationToken cancellationToken);
}
