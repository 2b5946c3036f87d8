using System.Security.Cryptography;
using System.Text;

namespace Ciyuan.Storage;

/// <summary>
/// What both backends share to mask secrets in stored error text: which secrets count, and a
/// fingerprint of the set, kept in <c>meta</c>, so the scan runs again only when a secret changes.
/// </summary>
internal static class SecretScrub
{
    public const string MetaName = "secrets_scrubbed";

    public const string Mask = "***";

    /// <summary>Secrets long enough to be worth masking, longest first (so a secret inside another is masked after it).</summary>
    public static IReadOnlyList<string> Worth(IReadOnlyList<string> secrets) =>
        secrets.Where(s => s.Length >= 8).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();

    /// <summary>A 63-bit fingerprint of the set (never the secrets themselves).</summary>
    public static long Fingerprint(IReadOnlyList<string> secrets)
    {
        var joined = string.Join('\n', secrets.Order(StringComparer.Ordinal));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ciyuan-scrub\n" + joined));
        return BitConverter.ToInt64(hash, 0) & long.MaxValue;
    }
}
