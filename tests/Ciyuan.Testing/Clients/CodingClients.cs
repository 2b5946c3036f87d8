using System.Diagnostics;

namespace Ciyuan.Testing.Clients;

/// <summary>
/// Where the coding-agent CLIs of the compatibility tests are installed: the directory
/// <c>scripts/test.sh</c> exports as <c>CIYUAN_TEST_CLIENTS</c>, or — when the tests run alone —
/// one this fixture installs with the same script (pinned versions, a cache outside the tree).
/// </summary>
public static class CodingClients
{
    private static readonly Lazy<Task<string>> Directory = new(LocateAsync);

    /// <summary>The Claude Code CLI (<c>claude</c>).</summary>
    public static async Task<string> ClaudeCodeAsync() => Path.Combine(await Directory.Value.ConfigureAwait(false), "node_modules", ".bin", "claude");

    /// <summary>The Codex CLI (<c>codex</c>).</summary>
    public static async Task<string> CodexAsync() => Path.Combine(await Directory.Value.ConfigureAwait(false), "node_modules", ".bin", "codex");

    /// <summary>The Qwen Code CLI (<c>qwen</c>).</summary>
    public static async Task<string> QwenCodeAsync() => Path.Combine(await Directory.Value.ConfigureAwait(false), "node_modules", ".bin", "qwen");

    private static async Task<string> LocateAsync()
    {
        if (Environment.GetEnvironmentVariable("CIYUAN_TEST_CLIENTS") is { Length: > 0 } given && File.Exists(Path.Combine(given, ".installed")))
        {
            return given;
        }

        var script = Path.Combine(RepositoryRoot(), "scripts", "install-test-clients.sh");
        var run = await CliRun.StartAsync(new CliCommand("bash", [script], Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromMinutes(10))).ConfigureAwait(false);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"Installing the test clients failed ({run.ExitCode}): {run.Stderr}");
        }

        return run.Stdout.Trim();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ciyuan.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new UnreachableException("The tests run from inside the repository, which has Ciyuan.slnx at its root.");
    }
}
