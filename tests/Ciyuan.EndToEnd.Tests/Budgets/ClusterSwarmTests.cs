using Npgsql;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>
/// The swarm in the production shape: 300 agents of one run, through nginx, spread by it over
/// three gateway processes on one PostgreSQL and one Redis, share a $1.00 run budget. The run
/// spends at most its dollar and at least 99 cents of it (each request costs about a cent, so the
/// line is used to its last request whichever instance holds the rest), and every agent stops on
/// a budget error.
/// </summary>
[Collection(NginxCluster.Collection)]
public sealed class ClusterSwarmTests
{
    private const string Run = "swarm-cluster";

    private static readonly string Yaml = SwarmAgents.Yaml + $$"""

        budgets:
          limits:
            - run: {{Run}}
              usd: 1.00
        """;

    [Fact]
    public async Task Swarm_ThreeInstancesBehindNginx_SpendTheRunsDollarToItsLastCent()
    {
        await using var cluster = await NginxCluster.StartAsync(Yaml, "", SwarmAgents.SwarmReply);

        var outcome = await SwarmAgents.RunSwarmAsync([cluster.BaseUrl], cluster.ClientKey, Run);

        var (rows, spent) = await LedgerAsync(cluster.Database);
        var perInstance = cluster.Instances.Select(i => i.Upstream.Requests.Count).ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"served {outcome.Served} (per instance: {string.Join(", ", perInstance)}), refused {outcome.RefusedForBudget}, spent {spent} micro-USD");
        Assert.Equal(outcome.Served, rows);
        Assert.Equal(outcome.Served, perInstance.Sum());
        Assert.True(spent <= SwarmAgents.RunBudgetMicroUsd, $"the run spent {spent} micro-USD of a {SwarmAgents.RunBudgetMicroUsd} budget");
        Assert.True(spent >= SwarmAgents.RunBudgetMicroUsd * 99 / 100, $"the run used only {spent} micro-USD of {SwarmAgents.RunBudgetMicroUsd}");
        Assert.Equal(SwarmAgents.Agents, outcome.RefusedForBudget);
    }

    private static async Task<(long Rows, long Spent)> LedgerAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*), coalesce(sum(cost_micros), 0)::bigint FROM usage_records WHERE run_id = $1;", connection)
        {
            Parameters = { new NpgsqlParameter { Value = Run } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
