using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Hostile;

/// <summary>Work per request is bounded: what a body may cost in memory and CPU, and how often a key may ask.</summary>
public sealed class BoundedWorkTests
{
    private const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
            timeout_seconds: 60
        models:
          - name: m
            deployments:
              - provider: local
                model: x
                tokenizer: qwen3
                price: { input: 1, output: 2, currency: USD }
        """;

    [Theory]
    [InlineData("v1/tokenize", "text")]
    [InlineData("v1/messages/count_tokens", "messages")]
    public async Task CountingMoreThanMaxTokenizeBytes_IsA413NamingTheSetting(string route, string field)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        var big = new string('字', (5 * 1024 * 1024 / 3) + 1);
        var body = field == "text"
            ? new JsonObject { ["model"] = "m", ["text"] = big }
            : new JsonObject { ["model"] = "m", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = big }) };

        var response = await gateway.Http.PostAsync(route, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("server.max_tokenize_bytes", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1/tokenize", """{"model":"m","text":"hello"}""")]
    [InlineData("v1/messages/count_tokens", """{"model":"m","messages":[{"role":"user","content":"hello"}]}""")]
    public async Task Counting_CountsAgainstTheKeysRequestRate(string route, string json)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("slow") { RequestsPerMinute = 2 }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Add("x-api-key", secret);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await http.PostAsync(route, new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task GiantUpstreamBody_IsCutAtTheBound_AndTheGatewaysMemoryStaysSmall()
    {
        await using var upstream = await UpstreamServer.StartAsync();
        upstream.Default = new GiantBody(1024L * 1024 * 1024);
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Yaml.Replace("{upstream}", upstream.BaseUrl.ToString(), StringComparison.Ordinal));
        var secret = (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "big")).Stdout.Trim();
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        try
        {
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add("x-api-key", secret);
            var before = Memory(process.Id, "VmRSS");

            var response = await http.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"m","max_tokens":1000000,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains("larger than 33,554,432 bytes", text, StringComparison.Ordinal);
            var peak = Memory(process.Id, "VmHWM");
            Assert.True(peak < before + (160L * 1024 * 1024), $"peak RSS {peak / 1048576} MiB, {before / 1048576} MiB before the request");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>A memory figure of a process, in bytes, from <c>/proc/PID/status</c>.</summary>
    private static long Memory(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
