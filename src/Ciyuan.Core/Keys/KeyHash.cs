using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ciyuan.Core.Keys;

/// <summary>
/// SHA-256 of a client key, as a value type so the per-request lookup allocates nothing.
/// Keys are 240 random bits, so a plain (unsalted, fast) hash is enough: there is nothing to guess.
/// </summary>
public readonly record struct KeyHash(ulong A, ulong B, ulong C, ulong D)
{
    public static KeyHash Of(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[256];
        Span<byte> digest = stackalloc byte[32];
        if (Encoding.UTF8.TryGetBytes(key, utf8, out var written))
        {
            SHA256.HashData(utf8[..written], digest);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString()), digest);
        }

        return FromBytes(digest);
    }

    public static KeyHash FromBytes(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64BigEndian(digest),
        BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));

    public byte[] ToBytes()
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(24), D);
        return bytes;
    }
}
