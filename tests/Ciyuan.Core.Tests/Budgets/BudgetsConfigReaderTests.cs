using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Tests.Budgets;

public sealed class BudgetsConfigReaderTests
{
    private static CiyuanConfig Parse(string yaml) => new ConfigLoader(new NoProviderDefaults(), _ => null).Parse(yaml, "test.yaml");

    [Fact]
    public void Parse_BudgetsAndProjects_ReadsLinesZoneAndLimits()
    {
        var config = Parse("""
            budgets:
              time_zone: Asia/Shanghai
              limits:
                - project: research
                  usd: 100
                  period: monthly
                  models: { deepseek-chat: 20.5 }
                - run: swarm-1
                  cny: 7
            projects:
              research: { rpm: 600, tpm: 100000, max_concurrency: 50 }
            """);

        Assert.Equal("Asia/Shanghai", config.Budgets.TimeZone.Id);
        Assert.Collection(config.Budgets.Lines,
            l =>
            {
                Assert.Equal("config:project:research:monthly", l.Id);
                Assert.Equal(BudgetScopeKind.Project, l.Scope);
                Assert.Equal(BudgetPeriod.Monthly, l.Period);
                Assert.Equal(MicroUnits.FromDecimal(100), l.Limit);
                Assert.Null(l.Model);
            },
            l =>
            {
                Assert.Equal("deepseek-chat", l.Model);
                Assert.Equal(MicroUnits.FromDecimal(20.5m), l.Limit);
                Assert.Equal("USD", l.Currency);
            },
            l =>
            {
                Assert.Equal(BudgetScopeKind.Run, l.Scope);
                Assert.Equal("CNY", l.Currency);
                Assert.Equal(BudgetPeriod.Total, l.Period);
            });
        var project = config.Projects["research"];
        Assert.Equal(600, project.RequestsPerMinute);
        Assert.Equal(100000, project.TokensPerMinute);
        Assert.Equal(50, project.MaxConcurrency);
    }

    [Theory]
    [InlineData("budgets: { limits: [ { usd: 1 } ] }", "budgets.limits[0]: a budget names exactly one of project:, key: or run:")]
    [InlineData("budgets: { limits: [ { project: a, key: b, usd: 1 } ] }", "exactly one of project:, key: or run:")]
    [InlineData("budgets: { limits: [ { project: a } ] }", "exactly one amount: usd: or cny:")]
    [InlineData("budgets: { limits: [ { project: a, usd: 1, cny: 2 } ] }", "exactly one amount")]
    [InlineData("budgets: { limits: [ { project: a, usd: 1, period: weekly } ] }", "budgets.limits[0].period: unknown period 'weekly'")]
    [InlineData("budgets: { time_zone: Mars/Olympus }", "budgets.time_zone: unknown time zone 'Mars/Olympus'")]
    [InlineData("budgets: { limits: [ { project: a, usd: 1, colour: red } ] }", "colour")]
    [InlineData("budgets: { limits: [ { project: a, usd: 1 }, { project: a, usd: 2 } ] }", "declared twice")]
    public void Parse_BadBudget_NamesThePath(string yaml, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Covers_MatchesScopeAndModel()
    {
        var line = new BudgetLine { Id = "x", Scope = BudgetScopeKind.Project, Subject = "p", Model = "m", Limit = MicroUnits.Zero, Currency = "USD", Source = "config" };

        Assert.True(line.Covers(new ChargeTarget("k", "name", "p", null, "m")));
        Assert.False(line.Covers(new ChargeTarget("k", "name", "p", null, "other")));
        Assert.False(line.Covers(new ChargeTarget("k", "name", null, null, "m")));
        Assert.Equal("project 'p' for model 'm' (total)", line.Describe());
    }
}
