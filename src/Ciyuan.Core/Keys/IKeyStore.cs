namespace Ciyuan.Core.Keys;

/// <summary>Durable client keys.</summary>
public interface IKeyStore
{
    Task CreateAsync(ClientKey key, CancellationToken cancellationToken);

    Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Marks the key revoked; false when no such key exists.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A number that changes whenever any key changes, so servers can notice another process's edits cheaply.</summary>
    Task<long> GetVersionAsync(CancellationToken cancellationToken);
}
