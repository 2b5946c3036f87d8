namespace Ciyuan.Providers.Profiles;

/// <summary>
/// A per-model variant of a kind's profile: applies when the upstream model id starts with one of
/// <paramref name="ModelPrefixes"/> (case-insensitive). Prefixes rather than regexes keep the table
/// readable; vendors name model families by prefix.
/// </summary>
public sealed record ModelProfileRule(string Kind, IReadOnlyList<string> ModelPrefixes, ProviderProfile Profile)
{
    public bool Matches(string upstreamModel)
    {
        foreach (var prefix in ModelPrefixes)
        {
            if (upstreamModel.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
