using System.Security.Cryptography;
using System.Text;

namespace Ciyuan.AdminAccess;

/// <summary>
/// <c>CIYUAN_MASTER_KEY</c>, held once. Without it the admin API and the dashboard are disabled
/// (admin tokens are made from it, so they are off too).
/// </summary>
internal sealed class MasterKey(string? value)
{
    private readonly byte[]? _hash = value is { Length: > 0 } ? SHA256.HashData(Encoding.UTF8.GetBytes(value)) : null;

    public bool IsSet => _hash is not null;

    /// <summary>Compares hashes in constant time, so response timing reveals nothing about the key.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (_hash is null || presented.IsEmpty)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented.ToString()), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }
}
