namespace Ciyuan.Core.Routing;

/// <summary>
/// 64-bit hashes that are the same in every process and on every machine (unlike
/// <see cref="string.GetHashCode()"/>), so several gateway instances map one affinity key to the same deployment.
/// </summary>
internal static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units, then mixed.</summary>
    public static ulong Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    /// <summary>The SplitMix64 finaliser: spreads every input bit over the whole word.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>Rendezvous (highest-random-weight) score of a node for a key; the highest score wins.</summary>
    public static ulong Rendezvous(ulong key, ulong nodeHash) => Mix(key ^ nodeHash);
}
