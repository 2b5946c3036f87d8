using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// The <c>ciyuan</c> .NET tool as a user gets it: <c>dotnet pack</c>, <c>dotnet tool install</c> from
/// the folder of packages, then the installed command — its version, the data it carries inside its
/// assemblies (model catalog, tokenizer files, database migrations) and <c>serve</c>.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class ToolPackageTests(ReleaseBuild build)
{
    [Fact]
    public async Task Pack_InstalledTool_ReportsTheBuildVersionCarriesItsDataAndServes()
    {
        build.AssertBuilt();
        using var dir = new TempDirectory();
        var packages = Path.Combine(dir.Path, "packages");
        var tools = Path.Combine(dir.Path, "tools");

        var pack = await build.OnBuildAsync("pack", TimeSpan.FromMinutes(10), null, "-o", packages);
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed:\n{pack}");
        Assert.True(File.Exists(Path.Combine(packages, $"ciyuan.{build.Version}.nupkg")), $"no ciyuan.{build.Version}.nupkg in {string.Join(", ", Directory.GetFiles(packages))}");

        // Only the folder of packages as a source, and a package cache of its own: the install reads
        // exactly what was packed, and leaves nothing in the user's cache.
        var config = dir.File("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="artifacts" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var install = await ReleaseBuild.DotnetAsync(TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(dir.Path, "nuget-cache") },
            "tool", "install", "ciyuan", "--tool-path", tools, "--version", build.Version, "--configfile", config);
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed:\n{install}");
        var ciyuan = Path.Combine(tools, "ciyuan");

        var version = await ProgramRun.RunAsync(ciyuan, dir.Path, "", "--version");
        Assert.Equal(build.Version, version.Stdout.Trim());

        var qwen = await ProgramRun.RunAsync(ciyuan, dir.Path, "你好，世界 hello", "tokenize", "--model", "qwen3");
        var deepseek = await ProgramRun.RunAsync(ciyuan, dir.Path, "你好，世界 hello", "tokenize", "--model", "deepseek_v3");
        var openai = await ProgramRun.RunAsync(ciyuan, dir.Path, "你好，世界 hello", "tokenize", "--model", "o200k");
        Assert.True(qwen.ExitCode == 0 && qwen.Stderr.Contains("(qwen3, exact)", StringComparison.Ordinal), qwen.ToString());
        Assert.True(deepseek.ExitCode == 0 && deepseek.Stderr.Contains("(deepseek_v3, exact)", StringComparison.Ordinal), deepseek.ToString());
        Assert.True(openai.ExitCode == 0 && openai.Stderr.Contains("(o200k, exact)", StringComparison.Ordinal), openai.ToString());

        var catalog = await ProgramRun.RunAsync(ciyuan, dir.Path, "", "models", "--catalog");
        Assert.True(catalog.ExitCode == 0 && catalog.Stdout.Contains("deepseek", StringComparison.Ordinal), catalog.ToString());

        var (server, baseUrl) = await ProgramRun.ServeAsync(ciyuan, dir.Path);
        using (server)
        {
            try
            {
                using var http = new HttpClient { BaseAddress = baseUrl };
                Assert.Equal("{\"status\":\"ok\"}", await http.GetStringAsync("healthz"));
                Assert.True(File.Exists(Path.Combine(dir.Path, ".ciyuan", "ciyuan.db")), "serve did not create its ledger in ./.ciyuan");
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
    }
}
