using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>
/// The swarm test on PostgreSQL with two gateway instances sharing the database: 300 agents spread
/// over both share one $1.00 run budget, which must hold across the instances exactly.
/// </summary>
public sealed class PostgresSwarmTests
{
    [Fact]
    public async Task Swarm_TwoInstancesOnOnePostgres_SpendAtMostTheBudgetAndNearlyAllOfIt()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var yaml = SwarmAgents.Yaml + $$"""

            storage:
              postgres: "{{database}}"
            """;
        await using var first = await GatewayFixture.StartAsync(yaml);
        await using var second = await GatewayFixture.StartAsync(yaml);
        first.Upstream.Default = SwarmAgents.SwarmReply;
        second.Upstream.Default = SwarmAgents.SwarmReply;
        await SwarmAgents.CreateRunBudgetAsync(first.BaseUrl, "swarm-pg");
        await second.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        await second.Services.GetRequiredService<BudgetLines>().ReloadAsync(CancellationToken.None);

        // One answer through each instance first, so both demonstrably draw on the one budget.
        foreach (var gateway in new[] { first, second })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent("""{"model":"swarm-model","max_tokens":10,"messages":[{"role":"user","content":"first"}]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Ciyuan-Run", "swarm-pg");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", first.ClientKey);
            (await gateway.Http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var outcome = await SwarmAgents.RunSwarmAsync([first.BaseUrl, second.BaseUrl], first.ClientKey, "swarm-pg");
        var served = outcome.Served + 2;

        var rows = (await first.LedgerAsync()).Where(r => r.RunId == "swarm-pg").ToList();
        var spent = rows.Sum(r => r.Cost.Value);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"served {served} (instance 1: {first.Upstream.Requests.Count}, instance 2: {second.Upstream.Requests.Count}), refused {outcome.RefusedForBudget}, spent {spent} micro-USD");
        Assert.Equal(served, rows.Count);
        Assert.Equal(served, first.Upstream.Requests.Count + second.Upstream.Requests.Count);
        Assert.True(spent <= SwarmAgents.RunBudgetMicroUsd, $"the run spent {spent} micro-USD of a {SwarmAgents.RunBudgetMicroUsd} budget");
        Assert.True(spent >= SwarmAgents.RunBudgetMicroUsd * 9 / 10, $"the run used only {spent} micro-USD of {SwarmAgents.RunBudgetMicroUsd}");
        Assert.Equal(SwarmAgents.Agents, outcome.RefusedForBudget);

        // Both instances read the same books.
        var one = await SwarmAgents.ReadBudgetAsync(first.BaseUrl, "swarm-pg");
        var two = await SwarmAgents.ReadBudgetAsync(second.BaseUrl, "swarm-pg");
        Assert.Equal(new MicroUnits(spent).ToString(), one["spent"]!.GetValue<string>());
        Assert.Equal(one["spent"]!.GetValue<string>(), two["spent"]!.GetValue<string>());
        Assert.Equal("0.000000", two["held"]!.GetValue<string>());
    }
}
