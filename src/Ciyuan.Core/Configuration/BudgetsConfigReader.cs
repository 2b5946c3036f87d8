using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Configuration;

/// <summary>
/// Reads <c>budgets:</c> and <c>projects:</c>. A budget entry names exactly one scope
/// (<c>project</c>, <c>key</c> or <c>run</c>), one amount (<c>usd</c> or <c>cny</c>), optionally a
/// <c>period</c> and a <c>model</c>; its <c>models:</c> map adds a tighter line per model in the
/// same scope, currency and period.
/// </summary>
internal static class BudgetsConfigReader
{
    public static BudgetsConfig ReadBudgets(ConfigMapping? node)
    {
        if (node is null)
        {
            return BudgetsConfig.Default;
        }

        var zone = ReadZone(node);
        var lines = new List<BudgetLine>();
        foreach (var entry in node.MappingSequence("limits"))
        {
            lines.AddRange(ReadLine(entry));
        }

        node.RejectUnknownKeys();
        var duplicate = lines.GroupBy(l => l.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConfigException(node.Join("limits"), $"the budget '{duplicate.Key}' is declared twice; merge the entries");
        }

        return new BudgetsConfig { TimeZone = zone, Lines = lines };
    }

    public static IReadOnlyList<ProjectConfig> ReadProjects(ConfigMapping? node)
    {
        if (node is null)
        {
            return [];
        }

        var projects = new List<ProjectConfig>();
        foreach (var (name, project) in node.NamedMappings())
        {
            projects.Add(new ProjectConfig
            {
                Name = name,
                RequestsPerMinute = project.OptionalInteger("rpm", 1, 100_000_000),
                TokensPerMinute = project.OptionalInteger("tpm", 1, long.MaxValue / 4),
                MaxConcurrency = (int?)project.OptionalInteger("max_concurrency", 1, 1_000_000),
            });
            project.RejectUnknownKeys();
        }

        return projects;
    }

    private static TimeZoneInfo ReadZone(ConfigMapping node)
    {
        var name = node.OptionalString("time_zone");
        if (name is null)
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigException(node.Join("time_zone"), $"unknown time zone '{name}'; use an IANA name such as Asia/Shanghai or UTC (the tzdata package must be installed)");
        }
    }

    private static IEnumerable<BudgetLine> ReadLine(ConfigMapping node)
    {
        var scopes = new[] { ("project", BudgetScopeKind.Project), ("key", BudgetScopeKind.Key), ("run", BudgetScopeKind.Run) }
            .Where(s => node.Has(s.Item1)).ToArray();
        if (scopes.Length != 1)
        {
            throw new ConfigException(node.Path, "a budget names exactly one of project:, key: or run:");
        }

        var (scopeKey, scope) = scopes[0];
        var subject = node.RequiredString(scopeKey);
        var (amount, currency) = ReadAmount(node, node);
        var periodText = node.OptionalString("period");
        if (!BudgetNames.TryParsePeriod(periodText, out var period))
        {
            throw new ConfigException(node.Join("period"), $"unknown period '{periodText}'; expected total, daily or monthly");
        }

        var model = node.OptionalString("model");
        var perModel = node.OptionalMapping("models");
        node.RejectUnknownKeys();

        var line = new BudgetLine
        {
            Id = LineId(scopeKey, subject, model, period),
            Scope = scope,
            Subject = subject,
            Model = model,
            Period = period,
            Limit = amount,
            Currency = currency,
            Source = "config",
        };
        yield return line;

        if (perModel is null)
        {
            yield break;
        }

        foreach (var (modelName, limitNode) in perModel.StringMap())
        {
            if (!decimal.TryParse(limitNode, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var limit) || limit < 0)
            {
                throw new ConfigException(perModel.Join(modelName), $"expected an amount in {currency}, got '{limitNode}'");
            }

            yield return line with { Id = LineId(scopeKey, subject, modelName, period), Model = modelName, Limit = MicroUnits.FromDecimal(limit) };
        }
    }

    private static (MicroUnits Amount, string Currency) ReadAmount(ConfigMapping node, ConfigMapping at)
    {
        var usd = node.OptionalDecimal("usd", 0);
        var cny = node.OptionalDecimal("cny", 0);
        return (usd, cny) switch
        {
            ({ } u, null) => (MicroUnits.FromDecimal(u), Currencies.Usd),
            (null, { } c) => (MicroUnits.FromDecimal(c), Currencies.Cny),
            _ => throw new ConfigException(at.Path, "a budget gives exactly one amount: usd: or cny:"),
        };
    }

    private static string LineId(string scope, string subject, string? model, BudgetPeriod period) =>
        model is null ? $"config:{scope}:{subject}:{BudgetNames.Of(period)}" : $"config:{scope}:{subject}:{model}:{BudgetNames.Of(period)}";
}
