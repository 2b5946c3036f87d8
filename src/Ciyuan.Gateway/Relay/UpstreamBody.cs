using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Client;
using Ciyuan.Providers;

namespace Ciyuan.Gateway.Relay;

/// <summary>Reads a whole non-streaming upstream body under the exchange's deadlines.</summary>
internal static class UpstreamBody
{
    /// <summary>Null when the body was read; a failure (timeout, broken, too large) otherwise.</summary>
    public static async Task<ProviderFailure?> ReadAsync(UpstreamExchange exchange, PooledBufferWriter body, long limit, DeploymentConfig deployment, CancellationToken clientAborted)
    {
        var provider = deployment.Provider.Name;
        try
        {
            exchange.MarkFirstByte();
            int read;
            while ((read = await exchange.Body.ReadAsync(body.GetMemory(8 * 1024), exchange.Token).ConfigureAwait(false)) > 0)
            {
                body.Advance(read);
                if (body.WrittenCount > limit)
                {
                    return new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' sent a response larger than {limit:N0} bytes");
                }
            }

            return null;
        }
        catch (OperationCanceledException) when (!clientAborted.IsCancellationRequested)
        {
            return new ProviderFailure(ProviderFailureKind.Timeout, null,
                $"provider '{provider}' did not finish its response within {deployment.Provider.Timeouts.Total.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' broke the connection mid-response");
        }
    }
}
