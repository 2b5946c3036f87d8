using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Tokenize;

/// <summary><c>/v1/tokenize</c>, <c>/v1/messages/count_tokens</c> and <c>ciyuan tokenize</c> with the shipped tokenizers.</summary>
public sealed class TokenCountTests
{
    private const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
        models:
          - name: qwen
            deployments:
              - provider: local
                model: Qwen/Qwen3-8B
                tokenizer: qwen3
          - name: mystery
            deployments:
              - provider: local
                model: mystery-model
        """;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Tokenize_Text_ReturnsTheExactQwen3Ids()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);

        var response = await gateway.Http.PostAsync("v1/tokenize", Json("""{"model":"qwen","text":"Hello, world!","ids":true}"""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Reference ids from shared/tokenizers/vectors.jsonl (Hugging Face tokenizers on Qwen3's tokenizer.json).
        Assert.Equal([9707, 11, 1879, 0], json["ids"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(4, json["count"]!.GetValue<int>());
        Assert.True(json["exact"]!.GetValue<bool>());
        Assert.Equal("exact", response.Headers.GetValues("X-Ciyuan-Token-Count").Single());
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task Tokenize_ModelWithoutTokenizer_IsFlaggedAsEstimate()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);

        var response = await gateway.Http.PostAsync("v1/tokenize", Json("""{"model":"mystery","text":"Hello, world!"}"""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.False(json["exact"]!.GetValue<bool>());
        Assert.Equal("estimated", response.Headers.GetValues("X-Ciyuan-Token-Count").Single());
        Assert.True(json["count"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Tokenize_Messages_CountsTheChatTemplate()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);

        var plain = JsonNode.Parse(await (await gateway.Http.PostAsync("v1/tokenize", Json("""{"model":"qwen","text":"Hello"}"""))).Content.ReadAsStringAsync())!;
        var chat = JsonNode.Parse(await (await gateway.Http.PostAsync("v1/tokenize", Json("""{"model":"qwen","messages":[{"role":"user","content":"Hello"}]}"""))).Content.ReadAsStringAsync())!;

        // "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n" is more than the word alone.
        Assert.True(chat["count"]!.GetValue<int>() > plain["count"]!.GetValue<int>() + 4);
    }

    [Fact]
    public async Task CountTokens_AnthropicShape_ReturnsInputTokens()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);

        var response = await gateway.Http.PostAsync("v1/messages/count_tokens", Json("""{"model":"qwen","system":"Be brief.","messages":[{"role":"user","content":"Hello"}]}"""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(json["input_tokens"]!.GetValue<int>() > 5);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task CountTokens_UnknownModel_IsAnthropicNotFound()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);

        var response = await gateway.Http.PostAsync("v1/messages/count_tokens", Json("""{"model":"nope","messages":[]}"""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("error", json["type"]!.GetValue<string>());
        Assert.Equal("not_found_error", json["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task CliTokenize_CountsStandardInput()
    {
        using var dir = new TempDirectory();
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.Path };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ciyuan.dll"));
        foreach (var arg in new[] { "tokenize", "--model", "qwen3", "--ids" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        await process.StandardInput.WriteAsync("Hello, world!");
        process.StandardInput.Close();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(["9707", "11", "1879", "0"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
