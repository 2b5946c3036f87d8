using System.ClientModel;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Responses;

namespace Ciyuan.EndToEnd.Tests.Responses;

/// <summary>
/// The official OpenAI .NET SDK's Responses client against Ciyuan, on the three paths a deployment
/// can take: translated to a chat-completions upstream, translated to an Anthropic upstream, and
/// passed through to a native Responses upstream. Create, stream, a function-tool loop chained by
/// <c>previous_response_id</c>, retrieve, input items and delete must work the same on each.
/// </summary>
public sealed class ResponsesSdkTests
{
    private const string Yaml = """
        providers:
          chatvendor:
            kind: deepseek
            base_url: "{upstream}"
            api_key: provider-secret
          claude:
            kind: anthropic
            base_url: "{upstream}"
            anthropic_base_url: "{anthropic}"
            api_key: provider-secret
          native:
            kind: openai
            base_url: "{upstream}"
            api_key: provider-secret
        models:
          - name: chat-model
            deployments:
              - provider: chatvendor
                model: chat-upstream
                price: { input: 1.00, output: 2.00, currency: USD }
          - name: claude-model
            deployments:
              - provider: claude
                model: claude-upstream
                price: { input: 3.00, output: 15.00, currency: USD }
          - name: native-model
            deployments:
              - provider: native
                model: native-upstream
                price: { input: 1.25, output: 10.00, currency: USD }
        """;

    public static TheoryData<string, string> Paths => new()
    {
        { "chat-model", "/v1/chat/completions" },
        { "claude-model", "/anthropic/v1/messages" },
        { "native-model", "/v1/responses" },
    };

    internal static async Task<GatewayFixture> StartAsync()
    {
        var upstream = await UpstreamServer.StartAsync();
        return await GatewayFixture.StartAsync(Yaml.Replace("{anthropic}", upstream.AnthropicBaseUrl.ToString(), StringComparison.Ordinal), upstream: upstream);
    }

    internal static ResponsesClient Client(GatewayFixture gateway, string? key = null) =>
        new(new ApiKeyCredential(key ?? gateway.ClientKey), new ResponsesClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task CreateResponse_Stored_IsRetrievedListedAndDeleted(string model, string upstreamPath)
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Hello from upstream.", PromptTokens = 30, CompletionTokens = 5 };
        var client = Client(gateway);

        var created = (await client.CreateResponseAsync(new CreateResponseOptions
        {
            Model = model,
            Instructions = "Be brief.",
            InputItems = { ResponseItem.CreateUserMessageItem("Say hello.") },
            MaxOutputTokenCount = 100,
        })).Value;

        Assert.Equal("Hello from upstream.", created.GetOutputText());
        Assert.Equal(30, created.Usage.InputTokenCount);
        Assert.Equal(5, created.Usage.OutputTokenCount);
        Assert.Equal(upstreamPath, Assert.Single(gateway.Upstream.Requests).Path);

        var retrieved = (await client.GetResponseAsync(created.Id)).Value;
        Assert.Equal(created.Id, retrieved.Id);
        Assert.Equal("Hello from upstream.", retrieved.GetOutputText());

        var items = new List<ResponseItem>();
        await foreach (var item in client.GetResponseInputItemsAsync(created.Id))
        {
            items.Add(item);
        }

        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(items));
        Assert.Equal("Say hello.", message.Content[0].Text);
        Assert.False(string.IsNullOrEmpty(message.Id));

        var deleted = (await client.DeleteResponseAsync(created.Id)).Value;
        Assert.True(deleted.Deleted);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(created.Id));
        Assert.Equal(404, gone.Status);

        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(("responses", RequestStatus.Ok), (row.Endpoint, row.Status));
        Assert.Equal(new TokenUsage(30, 0, 0, 5, 0), row.Usage);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task CreateResponseStreaming_FunctionToolLoop_ChainsByPreviousResponseId(string model, string upstreamPath)
    {
        await using var gateway = await StartAsync();
        var script = new ToolThenAnswer("get_weather", """{"city":"Oslo"}""", "It is sunny in Oslo.") { PromptTokens = 200, CompletionTokens = 20 };
        gateway.Upstream.Default = script.Behavior;
        var client = Client(gateway);
        var tool = ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
            strictModeEnabled: false, functionDescription: "Weather in a city.");

        var first = await StreamedResponse.ReadAsync(client, new CreateResponseOptions { Model = model, StreamingEnabled = true, InputItems = { ResponseItem.CreateUserMessageItem("Weather in Oslo?") }, Tools = { tool } });

        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(first.Response.OutputItems, i => i is FunctionCallResponseItem));
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Oslo"}""", call.FunctionArguments.ToString());
        Assert.Contains(nameof(StreamingResponseFunctionCallArgumentsDoneUpdate), first.Kinds);

        var second = await StreamedResponse.ReadAsync(client, new CreateResponseOptions
        {
            Model = model,
            StreamingEnabled = true,
            PreviousResponseId = first.Response.Id,
            InputItems = { ResponseItem.CreateFunctionCallOutputItem(call.CallId, "sunny, 21°C") },
            Tools = { tool },
        });

        Assert.Equal("It is sunny in Oslo.", second.Text);
        Assert.Equal("It is sunny in Oslo.", second.Response.GetOutputText());
        Assert.Equal(first.Response.Id, second.Response.PreviousResponseId);

        // The upstream has no stored responses: it got the whole conversation, rebuilt by Ciyuan.
        var requests = gateway.Upstream.Requests;
        Assert.Equal([upstreamPath, upstreamPath], requests.Select(r => r.Path));
        var history = requests[1].Body;
        Assert.Contains("Weather in Oslo?", history, StringComparison.Ordinal);
        Assert.Contains(call.CallId, history, StringComparison.Ordinal);
        Assert.Contains("sunny, 21°C", history, StringComparison.Ordinal);
        if (upstreamPath == "/v1/responses")
        {
            Assert.Null(requests[1].Json["previous_response_id"]?.GetValue<string>());
        }

        var rows = await gateway.LedgerWhenAsync(2);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(("responses", RequestStatus.Ok, false), (r.Endpoint, r.Status, r.UsageEstimated)));
        Assert.Contains(rows, r => r.Usage == new TokenUsage(200, 0, 0, 20, 0));
        Assert.Contains(rows, r => r.Usage == new TokenUsage(300, 0, 0, 10, 0));
    }

    [Fact]
    public async Task GetResponse_AnotherProjectsKey_IsNotFoundButTheSameProjectsKeyReadsIt()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Kept." };
        var keys = gateway.Services.GetRequiredService<KeyService>();
        var (_, alphaOne) = await keys.CreateAsync(new KeySpec("alpha-1") { Project = "alpha" }, CancellationToken.None);
        var (_, alphaTwo) = await keys.CreateAsync(new KeySpec("alpha-2") { Project = "alpha" }, CancellationToken.None);
        var (_, beta) = await keys.CreateAsync(new KeySpec("beta-1") { Project = "beta" }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);

        var created = (await Client(gateway, alphaOne).CreateResponseAsync("chat-model", "Keep this.")).Value;

        Assert.Equal("Kept.", (await Client(gateway, alphaTwo).GetResponseAsync(created.Id)).Value.GetOutputText());
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => Client(gateway, beta).GetResponseAsync(created.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => Client(gateway).GetResponseAsync(created.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => Client(gateway, beta).DeleteResponseAsync(created.Id))).Status);
        var continued = await Assert.ThrowsAsync<ClientResultException>(() => Client(gateway, beta).CreateResponseAsync("chat-model", "More.", created.Id));
        Assert.Equal(400, continued.Status);
        Assert.Contains("previous_response_not_found", continued.Message, StringComparison.Ordinal);
    }
}
