using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Budgets;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Hostile;

/// <summary>Every failure is a clear answer: a 4xx naming the field, a 503 that says what it means, or exit code 74 and one line.</summary>
public sealed class ClearErrorTests
{
    private const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
        models:
          - name: m
            deployments:
              - provider: local
                model: x
                price: { input: 1, output: 2, currency: USD }
        """;

    private static ByteArrayContent Raw(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    public static TheoryData<string, byte[], string> BadText() => new()
    {
        { "v1/chat/completions", [.. "{\"model\":\""u8, 0xC3, 0x28, .. "\",\"messages\":[]}"u8], "model" },
        { "v1/chat/completions", Encoding.UTF8.GetBytes("""{"model":"m\ud800","messages":[]}"""), "model" },
        { "v1/chat/completions", Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"\udc00"}]}"""), "messages[0].content" },
        { "v1/messages", Encoding.UTF8.GetBytes("""{"model":"m","max_tokens":5,"system":"\ud800","messages":[{"role":"user","content":"hi"}]}"""), "system" },
        { "v1/messages", Encoding.UTF8.GetBytes("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"\ud800","content":"x"}]}]}"""), "messages[0].content[0].tool_use_id" },
        { "v1/messages", [.. "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xFF, .. "\"}]}"u8], "messages[0].content" },
    };

    [Theory]
    [MemberData(nameof(BadText))]
    public async Task TextThatIsNotUnicode_IsA400NamingTheField(string route, byte[] body, string field)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);

        var response = await gateway.Http.PostAsync(route, Raw(body));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, json.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":5,"temperature":1e400,"messages":[{"role":"user","content":"hi"}]}""", "temperature")]
    [InlineData("""{"model":"m","max_tokens":5,"top_p":-1e999,"messages":[{"role":"user","content":"hi"}]}""", "top_p")]
    public async Task NumbersBeyondADouble_OnTheMessagesDoor_AreA400NamingTheField(string body, string field)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);

        var response = await gateway.Http.PostAsync("v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("error", json["type"]!.GetValue<string>());
        Assert.Contains(field, json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerThatCannotRecordAnAnswer_Withholds_It_With503_AndTheHoldIsInDoubtAfterRestart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ciyuan-ledger-down-" + Guid.NewGuid().ToString("N"));
        var database = Path.Combine(dataDirectory, "ciyuan.db");
        try
        {
            await using (var gateway = await GatewayFixture.StartAsync(Yaml, dataDirectory: dataDirectory))
            {
                gateway.Upstream.Default = new Reply();
                Assert.Equal(HttpStatusCode.OK, (await Ask(gateway, stream: false)).StatusCode);

                // The database now refuses every new ledger line, as a full disk would.
                await ExecuteAsync(database, "CREATE TRIGGER refuse_records BEFORE INSERT ON usage_records BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");

                var plain = await Ask(gateway, stream: false);
                var error = JsonNode.Parse(await plain.Content.ReadAsStringAsync())!["error"]!;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, plain.StatusCode);
                Assert.Equal("ledger_unavailable", error["code"]!.GetValue<string>());
                Assert.Contains("in doubt", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

                var streamed = await Ask(gateway, stream: true);
                var events = SseText.DataPayloads(await streamed.Content.ReadAsStringAsync());
                Assert.DoesNotContain("[DONE]", events);
                Assert.Equal("ledger_unavailable", JsonNode.Parse(events[^1])!["error"]!["code"]!.GetValue<string>());
                Assert.Equal(3, gateway.Upstream.Requests.Count);
            }

            await ExecuteAsync(database, "DROP TRIGGER refuse_records;");
            await using (var restarted = await GatewayFixture.StartAsync(Yaml, dataDirectory: dataDirectory))
            {
                var inDoubt = await restarted.Services.GetRequiredService<IBudgetLedger>().ListInDoubtAsync(CancellationToken.None);
                Assert.Equal(2, inDoubt.Count);
                Assert.Single(await restarted.LedgerAsync());
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task DataDirectoryThatIsAFile_ExitsWith74AndOneLine()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        var environment = new Dictionary<string, string> { ["CIYUAN_DATA_DIR"] = file };

        foreach (var args in new[] { new[] { "serve" }, ["keys", "list"], ["usage"] })
        {
            var result = await CiyuanProcess.RunAsync(dir.Path, environment, args);

            Assert.Equal(74, result.ExitCode);
            Assert.StartsWith("ciyuan: storage error: cannot open", result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.Trim().Split('\n'));
        }
    }

    [Fact]
    public async Task CorruptDatabase_ExitsWith74AndOneLine()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, ".ciyuan"));
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, ".ciyuan", "ciyuan.db"), [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 37))]);

        foreach (var args in new[] { new[] { "serve" }, ["keys", "list"] })
        {
            var result = await CiyuanProcess.RunAsync(dir.Path, null, args);

            Assert.Equal(74, result.ExitCode);
            Assert.Contains("not a SQLite database, or it is corrupt", result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.Trim().Split('\n'));
        }
    }

    private static Task<HttpResponseMessage> Ask(GatewayFixture gateway, bool stream) =>
        gateway.Http.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"m","max_tokens":5,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
