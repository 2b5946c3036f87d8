using System.Security.Cryptography;
using System.Text;

namespace Ciyuan.Http;

/// <summary>Compares a presented secret with an expected one without letting response timing tell how much matched.</summary>
internal static class TokenCheck
{
    public static bool Matches(ReadOnlySpan<char> presented, string? expected)
    {
        if (expected is null || presented.IsEmpty)
        {
            return false;
        }

        // Hashes have one length whatever was sent, so the fixed-time comparison covers the whole secret.
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented.ToString()), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
