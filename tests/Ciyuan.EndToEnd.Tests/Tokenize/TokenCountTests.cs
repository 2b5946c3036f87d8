using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.EndToEnd.Tests.Packaging;
using Ciyuan.Tokenizers;

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

    [Theory]
    [InlineData("qwen3")]
    [InlineData("deepseek_v3")]
    [InlineData("o200k")]
    [InlineData("cl100k")]
    public async Task CliTokenize_LargeMixedFileOrStandardInput_CountsLikeOneLibraryCall(string family)
    {
        using var dir = new TempDirectory();
        var text = MixedText.Create(2 << 20, seed: 5);     // 2 MB: many chunks, counted on every core
        var path = Path.Combine(dir.Path, "mixed.txt");
        await File.WriteAllTextAsync(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), TestContext.Current.CancellationToken);
        var expected = TokenizerRegistry.Shared.Get(family).CountTokens(text);

        var fromFile = await ProgramRun.RunAsync("dotnet", dir.Path, "", Ciyuan, "tokenize", "--model", family, path);
        var fromInput = await ProgramRun.RunAsync("dotnet", dir.Path, text, Ciyuan, "tokenize", "--model", family);

        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), fromFile.Stdout.Trim());
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), fromInput.Stdout.Trim());
        Assert.Contains($"({family}, exact)", fromFile.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliTokenize_IdsOfALargeFile_AreTheLibraryIdsInOrder()
    {
        using var dir = new TempDirectory();
        var text = MixedText.Create(1 << 20, seed: 6);
        var path = Path.Combine(dir.Path, "mixed.txt");
        await File.WriteAllTextAsync(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), TestContext.Current.CancellationToken);

        var run = await ProgramRun.RunAsync("dotnet", dir.Path, "", Ciyuan, "tokenize", "--model", "deepseek_v3", "--ids", path);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var ids = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        Assert.Equal(TokenizerRegistry.Shared.Get("deepseek_v3").EncodeToIds(text), ids);
    }

    [Fact]
    public async Task CliTokenize_MissingFile_FailsNamingIt()
    {
        using var dir = new TempDirectory();

        var run = await ProgramRun.RunAsync("dotnet", dir.Path, "", Ciyuan, "tokenize", "--model", "qwen3", "no-such-file.txt");

        Assert.Equal(66, run.ExitCode);
        Assert.Contains("no-such-file.txt", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    private static string Ciyuan => Path.Combine(AppContext.BaseDirectory, "ciyuan.dll");
}
