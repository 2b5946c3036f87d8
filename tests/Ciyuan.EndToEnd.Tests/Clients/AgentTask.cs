using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Clients;

/// <summary>
/// The task every coding agent runs in the compatibility suite: in a fresh working directory, the
/// scripted upstream asks for one file-writing tool call, the client's tool writes the file, and
/// the upstream then answers with a final sentence. The checks are the same for every client.
/// </summary>
internal sealed class AgentTask : IDisposable
{
    public const string FinalAnswer = "The file hello.txt now greets the reader.";
    public const string FileContent = "hello from the scripted upstream\n";

    private AgentTask(string root)
    {
        Root = root;
        WorkingDirectory = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        Home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
    }

    /// <summary>The client's working directory, where the tool writes the file.</summary>
    public string WorkingDirectory { get; }

    /// <summary>A home directory of its own, so no user configuration leaks in or out.</summary>
    public string Home { get; }

    public string Root { get; }

    public string FilePath => Path.Combine(WorkingDirectory, "hello.txt");

    public static AgentTask Create() => new(Directory.CreateTempSubdirectory("ciyuan-agent-").FullName);

    /// <summary>The upstream script for a client whose file-writing tool is <paramref name="toolName"/>.</summary>
    public ToolThenAnswer Script(string toolName) => new(toolName,
        new JsonObject { ["file_path"] = FilePath, ["content"] = FileContent }.ToJsonString(), FinalAnswer);

    /// <summary>The file the tool created, the answer the client printed, and one ok ledger row per upstream call, metered as the upstream reported.</summary>
    public async Task AssertDoneAsync(GatewayFixture gateway, ToolThenAnswer script, string printed, string endpoint, string deployment)
    {
        Assert.True(File.Exists(FilePath), $"the tool did not create {FilePath}; the client printed:\n{printed}");
        Assert.Equal(FileContent, await File.ReadAllTextAsync(FilePath));
        Assert.Contains(FinalAnswer, printed, StringComparison.Ordinal);

        var calls = gateway.Upstream.Requests.Count;
        Assert.True(calls >= 2, $"expected the tool turn and the final turn upstream, saw {calls}");
        var rows = await gateway.LedgerWhenAsync(calls);
        Assert.Equal(calls, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(RequestStatus.Ok, row.Status);
            Assert.Equal(endpoint, row.Endpoint);
            Assert.Equal(deployment, row.Deployment);
            Assert.False(row.UsageEstimated);
            Assert.True(row.Cost.Value > 0);
        });
        Assert.Contains(rows, row => row.Usage == new TokenUsage(script.PromptTokens, 0, 0, script.CompletionTokens, 0));
        Assert.Contains(rows, row => row.Usage == new TokenUsage(script.PromptTokens + 100, 0, 0, script.CompletionTokens / 2, 0));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A client still writing its session files; the OS cleans the temp directory later.
        }
    }
}
