using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;

namespace Ciyuan.Gateway.Keys;

/// <summary>Creating and revoking client keys, shared by the CLI and the admin API.</summary>
internal sealed class KeyService(IKeyStore store, TimeProvider time)
{
    /// <summary>Creates a key; the plain key is returned once and never stored.</summary>
    public async Task<(ClientKey Key, string Secret)> CreateAsync(KeySpec spec, CancellationToken cancellationToken)
    {
        var secret = KeyGenerator.NewKey();
        var key = new ClientKey
        {
            Id = KeyGenerator.NewId(),
            Name = spec.Name,
            Hash = KeyHash.Of(secret),
            Prefix = KeyGenerator.DisplayPrefix(secret),
            CreatedAt = time.GetUtcNow(),
            BudgetMicroUsd = spec.BudgetUsd is { } usd ? MicroUnits.FromDecimal(usd).Value : null,
            RequestsPerMinute = spec.RequestsPerMinute,
            TokensPerMinute = spec.TokensPerMinute,
            MaxConcurrency = spec.MaxConcurrency,
            Policy = spec.Policy,
            Project = spec.Project,
        };
        await store.CreateAsync(key, cancellationToken).ConfigureAwait(false);
        return (key, secret);
    }

    public Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) => store.RevokeAsync(id, time.GetUtcNow(), cancellationToken);
}

/// <summary>What a new key is given: a name, and optionally its project, cap, limits and policy.</summary>
internal sealed record KeySpec(string Name)
{
    public decimal? BudgetUsd { get; init; }

    public int? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public int? MaxConcurrency { get; init; }

    public string? Policy { get; init; }

    public string? Project { get; init; }

    /// <summary>The first thing wrong with the numbers, or null.</summary>
    public string? Problem() =>
        BudgetUsd is < 0 ? "the budget must be >= 0"
        : RequestsPerMinute is < 1 ? "rpm must be >= 1"
        : TokensPerMinute is < 1 ? "tpm must be >= 1"
        : MaxConcurrency is < 1 ? "max concurrency must be >= 1"
        : Project is { Length: 0 } ? "the project name must not be empty"
        : null;
}
