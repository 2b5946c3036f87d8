namespace Ciyuan.EndToEnd.Tests.Dashboard;

/// <summary>
/// The browser tests run on their own, after the rest: Chromium takes most of a small machine's
/// CPU, and tests that bound work by time (a gateway killed under load) must not share it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChromiumCollection
{
    public const string Name = "Chromium";
}
