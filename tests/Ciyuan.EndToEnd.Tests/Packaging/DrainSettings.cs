using YamlDotNet.RepresentationModel;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// How long a stopping Ciyuan takes at most: on SIGTERM it keeps accepting for
/// <c>server.drain_delay_seconds</c>, then lets work in flight finish for up to
/// <c>server.drain_timeout_seconds</c> (defaults 5 and 60, the README's config reference). A service
/// manager's stop timeout must cover both plus a margin, or it kills streams the drain would have finished.
/// </summary>
internal sealed record DrainSettings(int DelaySeconds, int TimeoutSeconds)
{
    /// <summary>The least margin a stop timeout keeps beyond the drain, for flushing the ledger and exiting.</summary>
    public const int MarginSeconds = 5;

    /// <summary>What Ciyuan does when its config says nothing.</summary>
    public static DrainSettings Defaults { get; } = new(5, 60);

    public int WorstCaseSeconds => DelaySeconds + TimeoutSeconds;

    /// <summary>The drain a config file asks for (its <c>server</c> section), defaults where it is silent.</summary>
    public static DrainSettings Of(YamlNode config) => new(
        config.At("server", "drain_delay_seconds") is YamlScalarNode { Value: { } delay } ? int.Parse(delay, System.Globalization.CultureInfo.InvariantCulture) : Defaults.DelaySeconds,
        config.At("server", "drain_timeout_seconds") is YamlScalarNode { Value: { } timeout } ? int.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) : Defaults.TimeoutSeconds);
}
