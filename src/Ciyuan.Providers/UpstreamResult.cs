using Ciyuan.Core.Providers;

namespace Ciyuan.Providers;

/// <summary>Exactly one of <see cref="Exchange"/> and <see cref="Failure"/> is set.</summary>
public readonly record struct UpstreamResult(UpstreamExchange? Exchange, ProviderFailure? Failure)
{
    public static UpstreamResult Success(UpstreamExchange exchange) => new(exchange, null);

    public static UpstreamResult Failed(ProviderFailure failure) => new(null, failure);
}
