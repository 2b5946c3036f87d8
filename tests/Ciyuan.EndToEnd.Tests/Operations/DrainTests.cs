using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Operations;

/// <summary>
/// <c>ciyuan serve</c> as a process, stopped the way service managers and Kubernetes stop it: with
/// SIGTERM while streams are open. Readiness turns 503 at once, open streams finish (or, past the
/// drain deadline, end with an error event in the client's dialect — <c>response.failed</c> for a Responses
/// stream), every one has its ledger line, and the exit code is 0.
/// Also SIGHUP, which reloads the config.
/// </summary>
public sealed class DrainTests
{
    private const int Streams = 50;

    private static string Config(Uri upstream, int delaySeconds, int timeoutSeconds) =>
        GatewayFixture.DefaultYaml.Replace("{upstream}", upstream.ToString(), StringComparison.Ordinal) + $$"""

        server:
          drain_delay_seconds: {{delaySeconds}}
          drain_timeout_seconds: {{timeoutSeconds}}
        budgets:
          limits:
            - run: drain-run
              usd: 100
        """;

    [Fact]
    public async Task Sigterm_With50StreamsOpen_AllCompleteLedgerExactExitZero()
    {
        var token = TestContext.Current.CancellationToken;
        await using var upstream = await UpstreamServer.StartAsync();
        // Each stream takes about 2 s: long enough to be open when the signal comes.
        upstream.Default = new Reply { Chunks = 10, ChunkDelay = TimeSpan.FromMilliseconds(200), PromptTokens = 10, CompletionTokens = 10 };
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Config(upstream.BaseUrl, delaySeconds: 1, timeoutSeconds: 60));
        var secret = (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "drain")).Stdout.Trim();
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        using (process)
        {
            using var http = Client(baseUrl, secret);
            var streams = Enumerable.Range(0, Streams).Select(i => StreamAsync(http, $"s{i}")).ToArray();
            await WaitUntilAsync(() => upstream.Requests.Count >= Streams);

            Signal(process, "TERM");
            var readiness = await ReadinessAsync(baseUrl);
            var answers = await Task.WhenAll(streams);
            var exited = await ExitAsync(process);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.Status);
            Assert.Equal("draining", readiness.Body?["status"]?.GetValue<string>());
            Assert.All(answers, a => Assert.True(a.Completed, $"stream {a.RequestId} did not complete: {a.Body}"));
            Assert.Equal(0, exited);
        }

        // Offline, the books: one settled line per stream, exact usage, nothing in doubt.
        var rows = await LedgerAsync(dir.Path);
        Assert.Equal(Streams, rows.Count);
        Assert.All(rows, r => Assert.Equal(RequestStatus.Ok, r.Status));
        Assert.All(rows, r => Assert.Equal(new TokenUsage(10, 0, 0, 10, 0), r.Usage));
        Assert.Empty(await InDoubtAsync(dir.Path));
    }

    [Fact]
    public async Task Sigterm_StreamsOutlastTheDeadline_EndWithErrorEventsAndStreamFailedLines()
    {
        var token = TestContext.Current.CancellationToken;
        await using var upstream = await UpstreamServer.StartAsync();
        // A minute-long drip: it cannot finish within a one-second drain.
        upstream.Default = new Reply { Chunks = 60, ChunkDelay = TimeSpan.FromSeconds(1), PromptTokens = 10, CompletionTokens = 60 };
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Config(upstream.BaseUrl, delaySeconds: 0, timeoutSeconds: 1));
        var secret = (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "drain")).Stdout.Trim();
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        using (process)
        {
            using var http = Client(baseUrl, secret);
            var openAI = StreamAsync(http, "openai");
            var anthropic = AnthropicStreamAsync(http);
            var responses = ResponsesStreamAsync(http);
            await WaitUntilAsync(() => upstream.Requests.Count >= 3);
            await Task.Delay(1500, token);

            var signalled = Stopwatch.StartNew();
            Signal(process, "TERM");
            var (openAIAnswer, anthropicAnswer, responsesAnswer) = (await openAI, await anthropic, await responses);
            var exited = await ExitAsync(process);

            // Each client is told in its own dialect that the stream ended, not cut off.
            Assert.Contains("gateway_shutting_down", openAIAnswer.Body, StringComparison.Ordinal);
            Assert.Contains("\"error\"", SseText.DataPayloads(openAIAnswer.Body).Last(p => p != "[DONE]"), StringComparison.Ordinal);
            // Anthropic's error event has a type and a message, no code: the message says why.
            Assert.Contains("event: error", anthropicAnswer.Body, StringComparison.Ordinal);
            Assert.Contains("drain deadline passed", anthropicAnswer.Body, StringComparison.Ordinal);
            var responsesEvents = SseText.Events(responsesAnswer.Body);
            Assert.StartsWith("event: error\n", responsesEvents[^2], StringComparison.Ordinal);
            Assert.StartsWith("event: response.failed\n", responsesEvents[^1], StringComparison.Ordinal);
            Assert.Contains("gateway_shutting_down", responsesEvents[^1], StringComparison.Ordinal);
            Assert.Equal(0, exited);
            Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(30), $"the drain took {signalled.Elapsed}");
        }

        var rows = await LedgerAsync(dir.Path);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(RequestStatus.StreamFailed, r.Status));
        Assert.All(rows, r => Assert.Contains("drain deadline", r.Error, StringComparison.Ordinal));
        Assert.Empty(await InDoubtAsync(dir.Path));
    }

    [Fact]
    public async Task Sighup_ConfigChanged_IsReloadedWithoutARestart()
    {
        var token = TestContext.Current.CancellationToken;
        await using var upstream = await UpstreamServer.StartAsync();
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Config(upstream.BaseUrl, 0, 5));
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        using (process)
        {
            using var http = new HttpClient { BaseAddress = baseUrl };

            // Unchanged file: nothing to apply, and the process is still there (SIGHUP's default would end it).
            Signal(process, "HUP");
            await Task.Delay(500, token);
            Assert.False(process.HasExited);
            Assert.Equal(1, JsonNode.Parse(await http.GetStringAsync("readyz", token))!["config_generation"]!.GetValue<long>());

            dir.File("ciyuan.yaml", Config(upstream.BaseUrl, 0, 5).Replace("output: 2.00", "output: 3.00", StringComparison.Ordinal));
            Signal(process, "HUP");
            JsonNode? readiness = null;
            for (var i = 0; i < 100 && readiness?["config_generation"]?.GetValue<long>() != 2; i++)
            {
                await Task.Delay(100, token);
                readiness = JsonNode.Parse(await http.GetStringAsync("readyz", token));
            }

            Assert.Equal(2, readiness!["config_generation"]!.GetValue<long>());
            Assert.Contains(readiness["last_reload"]!["trigger"]!.GetValue<string>(), new[] { "signal", "file" });
            Signal(process, "TERM");
            Assert.Equal(0, await ExitAsync(process));
        }
    }

    private sealed record Answer(string? RequestId, bool Completed, string Body);

    private static HttpClient Client(Uri baseUrl, string secret)
    {
        var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        http.DefaultRequestHeaders.Add("X-Ciyuan-Run", "drain-run");
        return http;
    }

    private static async Task<Answer> StreamAsync(HttpClient http, string text)
    {
        using var response = await http.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"test-model","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"{{text}}"}]}""",
            Encoding.UTF8, "application/json"), CancellationToken.None);
        var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
        var completed = response.StatusCode == HttpStatusCode.OK && body.Contains("data: [DONE]", StringComparison.Ordinal) && !body.Contains("\"error\"", StringComparison.Ordinal);
        return new Answer(response.Headers.GetValues("X-Ciyuan-Request-Id").Single(), completed, body);
    }

    private static async Task<Answer> AnthropicStreamAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent("""{"model":"test-model","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"anthropic"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
        var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
        return new Answer(response.Headers.GetValues("X-Ciyuan-Request-Id").Single(), body.Contains("event: message_stop", StringComparison.Ordinal), body);
    }

    private static async Task<Answer> ResponsesStreamAsync(HttpClient http)
    {
        using var response = await http.PostAsync("v1/responses", new StringContent(
            """{"model":"test-model","stream":true,"store":false,"max_output_tokens":100,"input":"responses"}""", Encoding.UTF8, "application/json"),
            CancellationToken.None);
        var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
        return new Answer(response.Headers.GetValues("X-Ciyuan-Request-Id").Single(), body.Contains("event: response.completed", StringComparison.Ordinal), body);
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {process.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>/readyz right after the signal (retried briefly while the handler runs).</summary>
    private static async Task<(HttpStatusCode Status, JsonNode? Body)> ReadinessAsync(Uri baseUrl)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; ; i++)
        {
            using var response = await http.GetAsync("readyz", CancellationToken.None);
            if (response.StatusCode != HttpStatusCode.OK || i == 50)
            {
                return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None)));
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static async Task<int> ExitAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        Assert.True(condition(), "timed out waiting for the upstream to receive the requests");
    }

    private static async Task<List<(string Status, TokenUsage Usage, string? Error)>> LedgerAsync(string dir)
    {
        var usage = JsonNode.Parse((await CiyuanProcess.RunAsync(dir, null, "usage", "--by", "run", "--run", "drain-run", "--json")).Stdout)!;
        return usage["requests"]!.AsArray().Select(r => (
            Status: r!["status"]!.GetValue<string>(),
            Usage: new TokenUsage(r["input_uncached"]!.GetValue<long>(), r["cache_read"]!.GetValue<long>(), r["cache_write"]!.GetValue<long>(), r["output"]!.GetValue<long>(), r["reasoning"]!.GetValue<long>()),
            Error: r["error"]?.GetValue<string>())).ToList();
    }

    private static async Task<List<string>> InDoubtAsync(string dir)
    {
        var json = await CiyuanProcess.RunAsync(dir, null, "usage", "--in-doubt", "--json");
        return JsonNode.Parse(json.Stdout)!["in_doubt"]!.AsArray().Select(h => h!["request_id"]!.GetValue<string>()).ToList();
    }
}
