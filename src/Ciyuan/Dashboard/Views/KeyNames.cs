using Ciyuan.Gateway.Keys;

namespace Ciyuan.Dashboard.Views;

/// <summary>Key ids to names, from the keys the gateway already holds in memory.</summary>
internal sealed class KeyNames(KeyService keys)
{
    public async Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken cancellationToken) =>
        (await keys.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(k => k.Id, k => k.Name, StringComparer.Ordinal);
}
