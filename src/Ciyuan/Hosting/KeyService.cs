using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;

namespace Ciyuan.Hosting;

/// <summary>Creating and revoking client keys, shared by the CLI and the admin API.</summary>
internal sealed class KeyService(IKeyStore store, TimeProvider time)
{
    /// <summary>Creates a key; the plain key is returned once and never stored.</summary>
    public async Task<(ClientKey Key, string Secret)> CreateAsync(string name, decimal? budgetUsd, int? rpm, string? policy, CancellationToken cancellationToken)
    {
        var secret = KeyGenerator.NewKey();
        var key = new ClientKey
        {
            Id = KeyGenerator.NewId(),
            Name = name,
            Hash = KeyHash.Of(secret),
            Prefix = KeyGenerator.DisplayPrefix(secret),
            CreatedAt = time.GetUtcNow(),
            BudgetMicroUsd = budgetUsd is { } usd ? MicroUnits.FromDecimal(usd).Value : null,
            RequestsPerMinute = rpm,
            Policy = policy,
        };
        await store.CreateAsync(key, cancellationToken).ConfigureAwait(false);
        return (key, secret);
    }

    public Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) => store.RevokeAsync(id, time.GetUtcNow(), cancellationToken);
}
