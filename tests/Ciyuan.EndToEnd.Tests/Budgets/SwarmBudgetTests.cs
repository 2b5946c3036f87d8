using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>
/// The swarm test on the embedded store: 300 concurrent sub-agents share one run with a $1.00
/// budget. Each keeps asking until it is refused; the run must end at or under $1.00 exactly, with
/// at least 90% of it used, and every refusal must be a budget error.
/// </summary>
public sealed class SwarmBudgetTests
{
    [Fact]
    public async Task Swarm_300AgentsOnOneRunBudget_SpendAtMostTheBudgetAndNearlyAllOfIt()
    {
        await using var gateway = await GatewayFixture.StartAsync(SwarmAgents.Yaml);
        gateway.Upstream.Default = SwarmAgents.SwarmReply;
        await SwarmAgents.CreateRunBudgetAsync(gateway.BaseUrl, "swarm-1");

        var outcome = await SwarmAgents.RunSwarmAsync([gateway.BaseUrl], gateway.ClientKey, "swarm-1");

        var rows = (await gateway.LedgerAsync()).Where(r => r.RunId == "swarm-1").ToList();
        var spent = rows.Sum(r => r.Cost.Value);
        TestContext.Current.TestOutputHelper?.WriteLine($"served {outcome.Served}, refused {outcome.RefusedForBudget}, spent {spent} micro-USD");
        Assert.Equal(outcome.Served, rows.Count);
        Assert.Equal(outcome.Served, gateway.Upstream.Requests.Count);
        Assert.All(rows, r => Assert.Equal(new TokenUsage(40, 0, 0, 10, 0), r.Usage));
        Assert.True(spent <= SwarmAgents.RunBudgetMicroUsd, $"the run spent {spent} micro-USD of a {SwarmAgents.RunBudgetMicroUsd} budget");
        Assert.True(spent >= SwarmAgents.RunBudgetMicroUsd * 9 / 10, $"the run used only {spent} micro-USD of {SwarmAgents.RunBudgetMicroUsd}");
        Assert.Equal(SwarmAgents.Agents, outcome.RefusedForBudget);

        var status = await SwarmAgents.ReadBudgetAsync(gateway.BaseUrl, "swarm-1");
        Assert.Equal(new MicroUnits(spent).ToString(), status["spent"]!.GetValue<string>());
        Assert.Equal("0.000000", status["held"]!.GetValue<string>());
    }
}
