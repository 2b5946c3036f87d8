namespace Ciyuan.Core.Routing;

/// <summary>
/// Several API keys of one provider. A request's prompt-cache affinity key picks the key by
/// rendezvous hashing, so requests sharing a prefix also share the upstream key (providers cache
/// per account); a key at its in-flight limit is skipped and the next-highest key takes the call.
/// </summary>
public sealed class KeyPool
{
    private readonly PooledKey[] _keys;

    public KeyPool(IReadOnlyList<PooledKey> keys)
    {
        ArgumentOutOfRangeException.ThrowIfZero(keys.Count);
        _keys = [.. keys];
    }

    public IReadOnlyList<PooledKey> Keys => _keys;

    /// <summary>True when at least one key is below its in-flight limit.</summary>
    public bool HasCapacity
    {
        get
        {
            foreach (var key in _keys)
            {
                if (key.HasCapacity)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The key <paramref name="affinityKey"/> maps to among those with capacity, without taking it.</summary>
    public PooledKey? Peek(ulong affinityKey) => Pick(affinityKey, skip: default);

    /// <summary>Takes a slot on the affine key with capacity; release it with <see cref="Release"/> exactly once.</summary>
    public bool TryLease(ulong affinityKey, out PooledKey? key)
    {
        // A key can fill between the pick and the enter; try the next best a bounded number of times.
        Span<bool> tried = _keys.Length <= 64 ? stackalloc bool[_keys.Length] : new bool[_keys.Length];
        for (var attempt = 0; attempt < _keys.Length; attempt++)
        {
            var candidate = Pick(affinityKey, tried);
            if (candidate is null)
            {
                break;
            }

            if (candidate.TryEnter())
            {
                key = candidate;
                return true;
            }

            tried[Array.IndexOf(_keys, candidate)] = true;
        }

        key = null;
        return false;
    }

    public static void Release(PooledKey key) => key.Exit();

    private PooledKey? Pick(ulong affinityKey, Span<bool> skip)
    {
        PooledKey? best = null;
        var bestScore = 0UL;
        for (var i = 0; i < _keys.Length; i++)
        {
            var key = _keys[i];
            if ((!skip.IsEmpty && skip[i]) || !key.HasCapacity)
            {
                continue;
            }

            var score = StableHash.Rendezvous(affinityKey, key.IdHash);
            if (best is null || score > bestScore)
            {
                best = key;
                bestScore = score;
            }
        }

        return best;
    }
}
