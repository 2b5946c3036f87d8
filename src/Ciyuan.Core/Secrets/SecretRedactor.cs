using System.Text;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Secrets;

/// <summary>
/// Masks the gateway's secrets — every configured provider key (key pools and auth-like headers
/// included), the master key, and the calling client's own key — wherever bytes or text cross a
/// boundary: what is read from an upstream (answers, streams, error bodies), what is written to
/// the ledger and to clients. Built once from the config; the caller's key is passed per call.
/// Occurrences are replaced by as many <c>*</c> as they had bytes, so a buffer can be masked in
/// place. Secrets shorter than <see cref="MinimumLength"/> are not masked: placeholders such as
/// <c>EMPTY</c> (common for self-hosted servers) are not secrets, and masking them would mangle text.
/// </summary>
public sealed class SecretRedactor
{
    public const int MinimumLength = 8;

    /// <summary>What a masked secret reads as in text.</summary>
    public const string Mask = "***";

    private readonly byte[][] _secrets;
    private readonly string[] _texts;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        _texts = secrets
            .Where(s => s is { Length: >= MinimumLength })
            .Select(s => s!)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
        _secrets = _texts.Select(Encoding.UTF8.GetBytes).ToArray();
        Longest = _secrets.Length == 0 ? 0 : _secrets.Max(s => s.Length);
    }

    public static SecretRedactor None { get; } = new([]);

    /// <summary>The configured secrets worth masking (for scrubbing what was stored before they were masked).</summary>
    public IReadOnlyList<string> Secrets => _texts;

    /// <summary>The length in bytes of the longest configured secret.</summary>
    public int Longest { get; }

    /// <summary>The provider keys, auth-like provider headers and the master key of <paramref name="config"/>.</summary>
    public static SecretRedactor FromConfig(CiyuanConfig config, string? masterKey)
    {
        var secrets = new List<string?> { masterKey, config.Server.MetricsToken };
        foreach (var provider in config.Providers.Values)
        {
            secrets.Add(provider.ApiKey);
            secrets.AddRange(provider.KeyPool.Select(k => k.Secret));
            secrets.AddRange(provider.Headers.Where(h => IsCredentialHeader(h.Key)).Select(h => h.Value));
        }

        return new SecretRedactor(secrets);
    }

    /// <summary>Text with every secret (and <paramref name="callerSecret"/>) replaced by <see cref="Mask"/>.</summary>
    public string Redact(string text, string? callerSecret = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _texts)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        if (callerSecret is { Length: >= MinimumLength } && text.Contains(callerSecret, StringComparison.Ordinal))
        {
            text = text.Replace(callerSecret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Masks every secret in <paramref name="utf8"/> in place; true when something was masked.</summary>
    public bool RedactInPlace(Span<byte> utf8, ReadOnlySpan<byte> callerSecret)
    {
        var changed = false;
        foreach (var secret in _secrets)
        {
            changed |= MaskAll(utf8, secret);
        }

        if (callerSecret.Length >= MinimumLength)
        {
            changed |= MaskAll(utf8, callerSecret);
        }

        return changed;
    }

    /// <summary>
    /// The length of the longest tail of <paramref name="utf8"/> that is the start of a secret (but
    /// not a whole one): bytes a reader must hold back until the next read shows whether a secret
    /// was split across the two.
    /// </summary>
    public int PartialSecretAtEnd(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> callerSecret)
    {
        var held = 0;
        foreach (var secret in _secrets)
        {
            held = Math.Max(held, PartialAtEnd(utf8, secret));
        }

        if (callerSecret.Length >= MinimumLength)
        {
            held = Math.Max(held, PartialAtEnd(utf8, callerSecret));
        }

        return held;
    }

    private static bool MaskAll(Span<byte> utf8, ReadOnlySpan<byte> secret)
    {
        var changed = false;
        var rest = utf8;
        int at;
        while ((at = rest.IndexOf(secret)) >= 0)
        {
            rest.Slice(at, secret.Length).Fill((byte)'*');
            rest = rest[(at + secret.Length)..];
            changed = true;
        }

        return changed;
    }

    private static int PartialAtEnd(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> secret)
    {
        // Candidates start where the secret's first byte occurs in the last (length - 1) bytes; the
        // earliest that matches is the longest.
        var tail = utf8[^Math.Min(utf8.Length, secret.Length - 1)..];
        var offset = 0;
        int found;
        while ((found = tail[offset..].IndexOf(secret[0])) >= 0)
        {
            var start = offset + found;
            if (secret.StartsWith(tail[start..]))
            {
                return tail.Length - start;
            }

            offset = start + 1;
        }

        return 0;
    }

    private static bool IsCredentialHeader(string name) =>
        name.Equals("authorization", StringComparison.OrdinalIgnoreCase)
        || name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase);
}
