using System.Globalization;
using System.Text;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Tests.Budgets;

/// <summary>
/// The budget's worst case is a true upper bound: for random request bodies — every token field a
/// vendor honours, in any combination, with hostile values and duplicates — a body the gateway
/// accepts is held at no less than the cost of any answer an upstream honouring any of its fields
/// could return, and usage claimed beyond that is counted within it.
/// </summary>
public sealed class WorstCasePropertyTests
{
    private static readonly string[] Fields = ["max_tokens", "max_completion_tokens", "max_output_tokens", "n", "thinking_budget"];

    [Fact]
    public void Hold_IsAtLeastTheCostOfAnyAnswerAnUpstreamHonouringAnyFieldCouldReturn()
    {
        var random = new Random(20261207);
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var body = RandomBody(random);
            var facts = RequestScanner.Scan(Encoding.UTF8.GetBytes(body), out _);
            if (facts is null)
            {
                // Refused before anything is held or sent: safe whatever an upstream would have done.
                continue;
            }

            accepted++;
            var limits = new OutputLimits(facts.RequestedMaxOutput, facts.ThinkingBudget, facts.ReasoningMaxTokens, facts.Choices);
            long? modelMax = random.Next(3) == 0 ? null : random.Next(1, 200_000);
            long? window = random.Next(3) == 0 ? null : random.Next(1_000, 1_000_000);
            var promptCeiling = Encoding.UTF8.GetByteCount(body);
            var ceiling = WorstCase.Ceiling(promptCeiling, limits, modelMax, window);
            var price = new FlatPriceQuote(new PriceConfig(Price(random), Price(random), random.Next(2) == 0 ? null : Price(random), random.Next(2) == 0 ? null : Price(random), "USD"));
            var hold = WorstCase.Cost(ceiling, price, DateTimeOffset.UnixEpoch);

            // An upstream that honours any one of the max fields sent (or its default when none is),
            // each thinking budget, and n — and whose prompt count no byte-level BPE can push past the bytes.
            var honoured = new[] { facts.MaxTokens, facts.MaxCompletionTokens, facts.MaxOutputTokens }.Where(v => v is not null).Select(v => v!.Value).ToList();
            var perChoice = (honoured.Count > 0 ? honoured[random.Next(honoured.Count)] : modelMax ?? window ?? WorstCase.UnknownModelMaxOutput)
                + (facts.ThinkingBudget ?? 0) + (facts.ReasoningMaxTokens ?? 0);
            if (window is { } w)
            {
                perChoice = Math.Min(perChoice, w);
            }

            var output = perChoice * facts.Choices;
            var prompt = Math.Min(random.NextInt64(0, promptCeiling + 1), window ?? long.MaxValue);
            var read = random.NextInt64(0, prompt + 1);
            var write = random.NextInt64(0, prompt - read + 1);
            var answer = TokenUsage.FromPromptTotals(prompt, read, write, output, random.NextInt64(0, output + 1));

            var cost = price.Cost(answer, DateTimeOffset.UnixEpoch);
            Assert.True(cost <= hold, $"#{i} {body}: answer {answer} costs {cost} > hold {hold} (ceiling {ceiling})");

            // Whatever is claimed instead, what is billed stays within the hold.
            var claimed = TokenUsage.FromPromptTotals(random.NextInt64(-10, 10_000_000), random.NextInt64(-10, 100), 0, random.NextInt64(-10, 100_000_000), 0);
            Assert.True(price.Cost(UsageCheck.Count(claimed, ceiling).Counted, DateTimeOffset.UnixEpoch) <= hold, $"#{i}: claim {claimed} billed past the hold");
        }

        Assert.True(accepted > 5_000, $"only {accepted} bodies were accepted: the generator is too hostile to test the bound");
    }

    private static decimal Price(Random random) => random.Next(0, 200_000) / 100m;

    private static string RandomBody(Random random)
    {
        var members = new List<string> { "\"model\":\"m\"", "\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', random.Next(0, 300)) + "\"}]" };
        foreach (var field in Fields)
        {
            var copies = random.Next(10) switch { 0 => 2, < 5 => 1, _ => 0 };
            for (var c = 0; c < copies; c++)
            {
                members.Add($"\"{field}\":{RandomValue(random, field == "n")}");
            }
        }

        if (random.Next(4) == 0)
        {
            members.Add($"\"thinking\":{{\"type\":\"enabled\",\"budget_tokens\":{RandomValue(random, choices: false)}}}");
        }

        if (random.Next(6) == 0)
        {
            members.Add($"\"reasoning\":{{\"max_tokens\":{RandomValue(random, choices: false)}}}");
        }

        var shuffled = members.OrderBy(_ => random.Next()).ToList();
        return "{" + string.Join(',', shuffled) + "}";
    }

    /// <summary>A whole number in range four times in five; otherwise something a lax parser reads its own way.</summary>
    private static string RandomValue(Random random, bool choices) => random.Next(5) != 0
        ? (choices ? random.Next(1, 140) : random.Next(1, 100_000)).ToString(CultureInfo.InvariantCulture)
        : random.Next(7) switch
        {
            0 => "-1000000000",
            1 => "0",
            2 => "1e18",
            3 => "\"200\"",
            4 => "12.5",
            5 => "null",
            _ => "99999999999999999999",
        };
}
