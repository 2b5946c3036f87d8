using System.Globalization;
using Ciyuan.Testing.Clients;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// One Release build of <c>src/Ciyuan</c> per test run, with a version of its own so that what the
/// packages report can only have come from this build. Its outputs go to a temporary artifacts
/// folder (never the clone's <c>bin</c>/<c>obj</c>); <c>pack</c> and <c>publish</c> then run on it
/// with <c>--no-build</c>.
/// </summary>
public sealed class ReleaseBuild : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);

    private CliRun? _build;

    /// <summary>A pre-release version unique to this run, e.g. <c>0.0.0-test.20261207121500</c>.</summary>
    public string Version { get; } = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>A folder for this run's outputs, removed afterwards.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ciyuan-packaging-" + Guid.NewGuid().ToString("N"));

    public static string Project { get; } = RepositoryRoot.File("src", "Ciyuan", "Ciyuan.csproj");

    private string ArtifactsPath => Path.Combine(Root, "artifacts");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _build = await DotnetAsync(BuildTimeout, null, ["build", Project, .. CommonArguments()]);
    }

    /// <summary>Fails the calling test with the build's output unless the build succeeded.</summary>
    public void AssertBuilt()
    {
        Assert.NotNull(_build);
        Assert.True(_build.ExitCode == 0, $"dotnet build -c Release failed:\n{_build}");
    }

    /// <summary>Runs <c>dotnet VERB src/Ciyuan --no-build</c> on this build, with more arguments.</summary>
    public Task<CliRun> OnBuildAsync(string verb, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        DotnetAsync(timeout, environment, [verb, Project, "--no-build", .. CommonArguments(), .. arguments]);

    /// <summary>Runs the .NET CLI quietly, without telemetry, build servers or nodes left behind.</summary>
    public static Task<CliRun> DotnetAsync(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return CliRun.StartAsync(new CliCommand("dotnet", arguments, RepositoryRoot.Path, variables, timeout));
    }

    private string[] CommonArguments() =>
        ["-c", "Release", "--artifacts-path", ArtifactsPath, $"-p:Version={Version}", "--disable-build-servers", "-nologo", "-v:q"];

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }

        return ValueTask.CompletedTask;
    }
}
