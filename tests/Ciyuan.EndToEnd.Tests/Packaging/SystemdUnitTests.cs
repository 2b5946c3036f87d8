using System.Globalization;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary><c>deploy/ciyuan.service</c> checked against the drain, the exit codes and the data directory.</summary>
public sealed class SystemdUnitTests
{
    /// <summary>The unit's <c>[Service]</c> settings, every value of each (Environment= repeats).</summary>
    private static readonly ILookup<string, string> Service = File.ReadLines(RepositoryRoot.File("deploy", "ciyuan.service"))
        .Select(l => l.Trim())
        .SkipWhile(l => l != "[Service]")
        .Skip(1)
        .TakeWhile(l => !l.StartsWith('['))
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToLookup(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    private static string One(string key) => Assert.Single(Service[key]);

    private static string? Environment(string name) => Service["Environment"]
        .Where(e => e.StartsWith(name + "=", StringComparison.Ordinal))
        .Select(e => e[(name.Length + 1)..])
        .SingleOrDefault();

    [Fact]
    public void Service_StopTimeout_OutlastsTheDrain()
    {
        // The unit ships no config file, so the drain is Ciyuan's default.
        var drain = DrainSettings.Defaults;

        Assert.Equal("SIGTERM", One("KillSignal"));
        Assert.True(int.Parse(One("TimeoutStopSec"), CultureInfo.InvariantCulture) >= drain.WorstCaseSeconds + DrainSettings.MarginSeconds);
    }

    [Fact]
    public void Service_DataDirectory_IsTheStateDirectorySystemdCreatesForTheServiceUser()
    {
        Assert.Equal("/var/lib/" + One("StateDirectory"), Environment("CIYUAN_DATA_DIR"));
        Assert.NotEqual("root", One("User"));
        Assert.EndsWith(" serve", One("ExecStart"), StringComparison.Ordinal);
        Assert.NotNull(Environment("CIYUAN_CONFIG"));
    }

    [Fact]
    public void Service_ExitCodesThatNeedAnOperator_AreNotRestartedInALoop()
    {
        var refused = One("RestartPreventExitStatus").Split(' ');

        Assert.Contains("78", refused);
        Assert.Contains("74", refused);
        Assert.Equal("on-failure", One("Restart"));
    }
}
