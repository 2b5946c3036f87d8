using Ciyuan.Core.Configuration;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// Replaces every configured provider key and the master key by <c>***</c> in text the dashboard
/// shows from the ledger (an upstream's error message may echo what it was sent). Built once from
/// the config; a second line of defence behind whatever the request path already redacts.
/// </summary>
internal sealed class SecretScrubber
{
    private readonly string[] _secrets;

    public SecretScrubber(CiyuanConfig config, string? masterKey)
    {
        _secrets = config.Providers.Values
            .SelectMany(p => p.KeyPool.Select(k => k.Secret).Append(p.ApiKey).Concat(p.Headers.Values))
            .Append(masterKey)
            .OfType<string>()
            .Where(s => s.Length >= 8)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    public string? Scrub(string? text)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }
}
