using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>The observation of one request, ended when disposed (a struct: <c>using</c> it allocates nothing).</summary>
internal readonly struct RequestObservation(RequestObserver observer, GatewayContext context) : IDisposable
{
    public void Dispose() => observer.Ended(context);
}
