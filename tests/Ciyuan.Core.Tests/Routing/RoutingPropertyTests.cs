using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Testing;

namespace Ciyuan.Core.Tests.Routing;

/// <summary>
/// Random configs, policies and failure sequences (seeded, so a failure reproduces): a request
/// never reaches a deployment its policy refuses and never exceeds its attempt or deadline bounds.
/// </summary>
public sealed class RoutingPropertyTests
{
    private static readonly string[] JurisdictionPool = ["cn", "sg", "us", Jurisdictions.SelfHosted];
    private static readonly string[] KindPool = ["deepseek", "moonshot", "dashscope", "vllm", "openrouter"];
    private static readonly string[] StrategyPool =
        [RoutingPolicyNames.Ordered, RoutingPolicyNames.Cheapest, RoutingPolicyNames.Fastest, RoutingPolicyNames.Weighted, RoutingPolicyNames.LeastBusy];

    private static readonly ProviderFailureKind[] FailurePool = Enum.GetValues<ProviderFailureKind>();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Dispatch_RandomWorlds_RespectPolicyAttemptsAndDeadline(int seed)
    {
        var random = new Random(seed);
        var totalAttempts = 0;
        for (var world = 0; world < 60; world++)
        {
            var time = new ManualTimeProvider();
            var states = RandomDeployments(random, time);
            var options = new AliasRoutingOptions
            {
                Strategy = StrategyPool[random.Next(StrategyPool.Length)],
                MaxAttempts = random.Next(1, 6),
                TotalTimeout = TimeSpan.FromSeconds(random.Next(1, 60)),
                MaxSameDeploymentWait = TimeSpan.FromSeconds(random.Next(0, 20)),
            };
            var policies = new PrivacyPolicySet([RandomPolicy(random, "key"), RandomPolicy(random, "req")]);
            var router = RoutingFixtures.Router(time, states, options, policies, new SeededRandomSource(seed * 1000 + world));

            for (var request = 0; request < 20; request++)
            {
                var keyPolicy = random.Next(3) == 0 ? null : "key";
                var requestPolicy = random.Next(2) == 0 ? null : (random.Next(2) == 0 ? "req" : "local-only");
                var effective = policies.Resolve(keyPolicy, requestPolicy).Policy!;
                var result = router.Route(new RouteRequest
                {
                    Alias = "chat",
                    KeyPolicy = keyPolicy,
                    RequestPolicy = requestPolicy,
                    PromptTokens = random.Next(0, 20_000),
                    AffinityKey = (ulong)random.NextInt64(),
                });

                if (!result.Succeeded)
                {
                    continue;
                }

                var plan = result.Plan!;
                var started = time.GetUtcNow();
                var sequence = new AttemptSequence(plan, time);
                while (sequence.TryBegin(out var attempt))
                {
                    Assert.True(effective.Admits(attempt.Deployment.Config), $"policy {effective.Name} refuses {attempt.Deployment.Id}");
                    Assert.True(time.GetUtcNow() < started + options.TotalTimeout);
                    Assert.True(sequence.AttemptsMade <= options.MaxAttempts);

                    time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 3000)));
                    if (random.Next(4) == 0)
                    {
                        sequence.Succeed(attempt, TimeSpan.FromMilliseconds(random.Next(50, 900)), random.Next(1, 200));
                        break;
                    }

                    var kind = FailurePool[random.Next(FailurePool.Length)];
                    TimeSpan? retryAfter = random.Next(3) == 0 ? TimeSpan.FromSeconds(random.Next(1, 30)) : null;
                    var decision = sequence.Fail(attempt, kind, retryAfter);
                    if (decision.Action == RetryAction.Stop)
                    {
                        break;
                    }

                    time.Advance(decision.Delay);
                }

                Assert.InRange(sequence.AttemptsMade, 0, options.MaxAttempts);
                totalAttempts += sequence.AttemptsMade;
                Assert.All(sequence.Attempted, d => Assert.True(effective.Admits(d.Config)));
                Assert.All(states, s => Assert.Equal(0, s.InFlight));

                time.Advance(TimeSpan.FromSeconds(random.Next(0, 40)));
            }
        }

        // The worlds must actually dispatch, or the properties above would hold vacuously.
        Assert.True(totalAttempts > 200, $"only {totalAttempts} attempts were made");
    }

    private static List<DeploymentState> RandomDeployments(Random random, ManualTimeProvider time)
    {
        var count = random.Next(1, 7);
        var states = new List<DeploymentState>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = KindPool[random.Next(KindPool.Length)];
            var jurisdiction = JurisdictionPool[random.Next(JurisdictionPool.Length)];
            var provider = RoutingFixtures.Provider($"{kind}-{i}", kind, jurisdiction);
            var traits = new DeploymentTraits
            {
                Price = random.Next(4) == 0 ? null : RoutingFixtures.Price(random.Next(0, 5), random.Next(0, 10), random.Next(2) == 0 ? 0.1m : null),
                ContextWindow = random.Next(3) == 0 ? random.Next(4_000, 200_000) : null,
                MaxInFlight = random.Next(3) == 0 ? random.Next(1, 3) : 0,
            };
            states.Add(new DeploymentState(RoutingFixtures.Deployment(provider, weight: random.Next(0, 4)), traits, time));
        }

        return states;
    }

    private static PrivacyPolicy RandomPolicy(Random random, string name) => PrivacyPolicy.Create(
        name,
        allowedJurisdictions: random.Next(2) == 0 ? null : JurisdictionPool.Where(_ => random.Next(2) == 0).ToArray(),
        selfHostedOnly: random.Next(5) == 0,
        excludedProviders: KindPool.Where(_ => random.Next(4) == 0).ToArray(),
        allowedProviders: random.Next(4) == 0 ? KindPool.Where(_ => random.Next(2) == 0).ToArray() : null);
}
