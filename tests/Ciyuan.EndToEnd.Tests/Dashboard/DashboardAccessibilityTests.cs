using Ciyuan.EndToEnd.Tests.Fixtures;
using Deque.AxeCore.Playwright;

namespace Ciyuan.EndToEnd.Tests.Dashboard;

/// <summary>
/// Every page checked by axe-core in Chromium (English, light), and the busiest pages again in
/// Chinese and dark: no serious or critical accessibility violation (labels, names, contrast).
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class DashboardAccessibilityTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string[] Pages = ["overview", "share", "usage", "elsewhere", "requests", "runs", "budgets", "keys", "deployments", "in-doubt", "catalog"];

    [Fact]
    public async Task EveryPage_HasNoSeriousAccessibilityViolation()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await DashboardGateway.SendTrafficAsync(gateway, 10);
        var page = await chromium.NewPageAsync(gateway.BaseUrl);
        await page.GotoAsync("ui/");

        var signIn = await page.RunAxe();
        await page.FillAsync("#secret", GatewayFixture.MasterKey);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync("#requests-today [data-value]");

        var found = new List<string>();
        Collect(found, "sign-in", signIn);
        foreach (var (language, theme, pages) in new[] { ("en", "light", Pages), ("zh", "dark", ["overview", "share", "keys", "deployments"]) })
        {
            await page.SelectOptionAsync("#lang", language);
            if (await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme") != theme)
            {
                await page.ClickAsync("#theme");
            }

            foreach (var name in pages)
            {
                await page.GotoAsync($"ui/#/{name}");
                await page.WaitForSelectorAsync($"section[data-page='{name}'] h1");
                Collect(found, $"{name} ({language}, {theme})", await page.RunAxe());
            }
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private static void Collect(List<string> found, string where, Deque.AxeCore.Commons.AxeResult result)
    {
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            found.Add($"{where}: {violation.Id} ({violation.Impact}) {violation.Help} — {string.Join(", ", violation.Nodes.Take(3).Select(n => n.Html))}");
        }
    }
}
