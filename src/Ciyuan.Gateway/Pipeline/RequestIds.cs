using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Request ids: UUID version 7 (RFC 9562) — a millisecond timestamp, then 74 random bits — so ledger
/// rows sort by arrival and ids from any number of instances do not collide.
/// <para>
/// The random bits come from the system's secure generator, drawn 4 KiB at a time per thread:
/// <see cref="Guid.CreateVersion7()"/> reads <c>/dev/urandom</c> once per id, a system call on every
/// request (about 1.5 µs on the development machine).
/// </para>
/// </summary>
internal static class RequestIds
{
    private const int RandomBytesPerId = 10;
    private const int RefillBytes = 4096;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    public static string New() => New(TimeProvider.System.GetUtcNow());

    /// <summary>An id for a request that arrived at <paramref name="at"/>.</summary>
    public static string New(DateTimeOffset at)
    {
        Span<byte> uuid = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(uuid, at.ToUnixTimeMilliseconds() << 16);
        TakeRandom(uuid[6..]);
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x70);   // version 7
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);   // variant: RFC 9562
        return string.Create(36, new Guid(uuid, bigEndian: true), static (span, guid) =>
        {
            "req_".CopyTo(span);
            guid.TryFormat(span[4..], out _, "N");
        });
    }

    private static void TakeRandom(Span<byte> destination)
    {
        var random = t_random ??= new byte[RefillBytes];
        if (t_used is 0 || t_used + RandomBytesPerId > RefillBytes)
        {
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        random.AsSpan(t_used, RandomBytesPerId).CopyTo(destination);
        t_used += RandomBytesPerId;
    }
}
