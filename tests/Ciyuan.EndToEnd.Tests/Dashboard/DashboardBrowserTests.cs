using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ciyuan.AdminAccess;
using Ciyuan.Core.Admin;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Ciyuan.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard in a real Chromium, as an operator uses it; screenshots of every page are saved.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class DashboardBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string[] Pages = ["overview", "share", "usage", "elsewhere", "requests", "runs", "budgets", "keys", "deployments", "in-doubt", "catalog"];

    [Fact]
    public async Task Operator_SignsInSeesLiveTrafficManagesKeysAndBudgetsExportsCsvSwitchesLanguageSignsOut()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await DashboardGateway.SendTrafficAsync(gateway, 10);
        var page = await chromium.NewPageAsync(gateway.BaseUrl);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        // Sign in with the master key; the browser keeps no copy of it.
        await page.GotoAsync("ui/");
        await page.FillAsync("#secret", GatewayFixture.MasterKey);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync("#requests-today [data-value]");
        await AssertOverviewEqualsLedgerAsync(page, gateway);
        var storage = await page.EvaluateAsync<string>("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie");
        Assert.DoesNotContain(GatewayFixture.MasterKey, storage, StringComparison.Ordinal);

        // Traffic made now appears without a reload.
        await DashboardGateway.SendTrafficAsync(gateway, 5);
        var ledger = await gateway.LedgerWhenAsync(15);
        await page.WaitForFunctionAsync($"() => document.querySelector('#requests-today [data-value]')?.dataset.value === '{ledger.Count}'");
        await AssertOverviewEqualsLedgerAsync(page, gateway);

        // Every page renders; each gets a screenshot.
        foreach (var name in Pages)
        {
            await page.GotoAsync($"ui/#/{name}");
            await page.WaitForSelectorAsync($"section[data-page='{name}'] h1");
            await ChromiumFixture.ScreenshotAsync(page, $"admin-{name}");
        }

        await AssertShareAndUsageEqualLedgerAsync(page, gateway);

        // Requests arrive live too.
        await page.GotoAsync("ui/#/requests");
        await page.WaitForSelectorAsync("#requests-body tr[data-request-id]");
        var before = await page.Locator("#requests-body tr[data-request-id]").CountAsync();
        await DashboardGateway.SendTrafficAsync(gateway, 2);
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('#requests-body tr[data-request-id]').length >= {before + 2}");

        // Create a key in the Keys page and use it.
        await page.GotoAsync("ui/#/keys");
        await page.FillAsync("#key-form input[name=name]", "made-in-browser");
        await page.ClickAsync("#key-form button[type=submit]");
        var secret = (await page.Locator("#new-key-secret").TextContentAsync())!.Trim();
        using var client = new HttpClient { BaseAddress = gateway.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);
        var keyId = await page.Locator("#keys-list tr", new() { HasText = "made-in-browser" }).GetAttributeAsync("data-key-id");

        // A budget on that key, made in the Budgets page, refuses its next request.
        await page.GotoAsync("ui/#/budgets");
        await page.SelectOptionAsync("#budget-form select[name=scope]", "key");
        await page.FillAsync("#budget-form input[name=subject]", keyId!);
        await page.FillAsync("#budget-form input[name=amount]", "0.00001");
        await page.ClickAsync("#budget-form button[type=submit]");
        await page.WaitForSelectorAsync($"#budgets-list tr:has-text('{keyId}')");
        var refused = await client.PostAsync("v1/chat/completions", Chat());
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        await ChromiumFixture.ScreenshotAsync(page, "admin-budgets-after-create");

        // Revoke the key in the Keys page: the gateway refuses it at once.
        await page.GotoAsync("ui/#/keys");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator($"#keys-list tr[data-key-id='{keyId}'] button.revoke").ClickAsync();
        await page.WaitForSelectorAsync($"#keys-list tr[data-key-id='{keyId}'] td.status-bad");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);

        // Export CSV from the Usage page: the same bytes as `ciyuan usage --csv`.
        await page.GotoAsync("ui/#/usage");
        await page.WaitForSelectorAsync("#usage-table");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#usage-csv"));
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        var cli = await CiyuanProcess.RunAsync(gateway.DataDirectory, new Dictionary<string, string> { ["CIYUAN_DATA_DIR"] = gateway.DataDirectory }, "usage", "--by", "model", "--csv");
        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(cli.Stdout, exported);
        Assert.Contains("test-model", exported, StringComparison.Ordinal);

        // Switch to Chinese: the page follows, and the choice is remembered.
        await page.SelectOptionAsync("#lang", "zh");
        await page.WaitForSelectorAsync("nav a[href='#/overview']:has-text('概览')");
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("section[data-page='usage'] h1:has-text('用量浏览')");
        foreach (var name in new[] { "overview", "share", "budgets" })
        {
            await page.GotoAsync($"ui/#/{name}");
            await page.WaitForSelectorAsync($"section[data-page='{name}'] h1");
            await ChromiumFixture.ScreenshotAsync(page, $"zh-{name}");
        }

        // A phone-width view of the overview, and the dark theme.
        await page.SetViewportSizeAsync(390, 844);
        await page.ClickAsync("#theme");
        await page.GotoAsync("ui/#/overview");
        await page.WaitForSelectorAsync("#requests-today [data-value]");
        await ChromiumFixture.ScreenshotAsync(page, "phone-dark-overview");

        // Sign out: the sign-in form again, and the session no longer works.
        await page.ClickAsync("#signout");
        await page.WaitForSelectorAsync("#signin:not([hidden])");
        var after = await page.EvaluateAsync<int>("async () => (await fetch('api/overview')).status");
        Assert.Equal(401, after);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Viewer_SeesFiguresButCannotChangeAnything()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await DashboardGateway.SendTrafficAsync(gateway, 5);
        var (_, secret) = await gateway.Services.GetRequiredService<AdminTokenService>().CreateAsync("auditor", AdminRole.Viewer, CancellationToken.None);
        var page = await chromium.NewPageAsync(gateway.BaseUrl);

        await page.GotoAsync("ui/");
        await page.FillAsync("#secret", secret);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync("#requests-today [data-value]");
        await AssertOverviewEqualsLedgerAsync(page, gateway);
        Assert.Contains("auditor", await page.Locator("#who").TextContentAsync(), StringComparison.Ordinal);

        await page.GotoAsync("ui/#/keys");
        await page.WaitForSelectorAsync("#keys-list");
        Assert.True(await page.Locator("#key-form button[type=submit]").IsDisabledAsync());
        Assert.True(await page.Locator("#keys-list button.revoke").First.IsDisabledAsync());
        await ChromiumFixture.ScreenshotAsync(page, "viewer-keys");
        await page.GotoAsync("ui/#/budgets");
        await page.WaitForSelectorAsync("#budget-form");
        Assert.True(await page.Locator("#budget-form button[type=submit]").IsDisabledAsync());

        // Even a hand-made request from the signed-in page, with the CSRF token, is refused.
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const session = await (await fetch('api/session')).json();
              const response = await fetch('api/admin/keys', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token }, body: '{"name":"sneaky"}' });
              return response.status;
            }
            """);
        Assert.Equal(403, status);
        var keys = await gateway.Services.GetRequiredService<KeyService>().ListAsync(CancellationToken.None);
        Assert.DoesNotContain(keys, k => k.Name == "sneaky");
    }

    /// <summary>The Overview's figures in the page (exact values in data attributes) against the ledger's rows.</summary>
    private static async Task AssertOverviewEqualsLedgerAsync(IPage page, GatewayFixture gateway)
    {
        var ledger = await gateway.LedgerAsync();
        var expected = LedgerFigures.Of(ledger, r => r.Deployment == "local/upstream-model" ? ("USD", 0.9m) : null);
        await page.WaitForFunctionAsync($"() => document.querySelector('#requests-today [data-value]')?.dataset.value === '{ledger.Count}'");
        Assert.Equal(expected.Tokens.ToString(CultureInfo.InvariantCulture), await page.Locator("#tokens-today [data-value]").GetAttributeAsync("data-value"));
        foreach (var (currency, micros) in expected.CostByCurrency)
        {
            Assert.Equal(micros.ToString(CultureInfo.InvariantCulture), await page.Locator($"#spend-today [data-currency='{currency}']").GetAttributeAsync("data-micros"));
        }

        Assert.Equal(expected.CacheSavedByCurrency["USD"].ToString(CultureInfo.InvariantCulture), await page.Locator("#saved-today [data-currency='USD']").GetAttributeAsync("data-micros"));
        Assert.Equal(expected.Errors.ToString(CultureInfo.InvariantCulture), await page.Locator("#error-rate-today [data-errors]").GetAttributeAsync("data-errors"));
        var rows = page.Locator("#tokens-table tbody tr");
        var buckets = new[] { expected.InputUncached, expected.CacheRead, expected.CacheWrite, expected.Output, expected.Reasoning, expected.Tokens };
        for (var i = 0; i < buckets.Length; i++)
        {
            Assert.Equal(buckets[i].ToString(CultureInfo.InvariantCulture), await rows.Nth(i).Locator("td").Nth(1).GetAttributeAsync("data-value"));
        }

        var p50 = LedgerFigures.Percentile(ledger.Where(r => r.Status == RequestStatus.Ok).Select(r => r.LatencyMs), 0.5);
        Assert.Equal(p50, double.Parse((await page.Locator("#latency [data-value]").First.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));
    }

    /// <summary>The Token share ranking and the Usage table, as the page shows them, against the ledger grouped by model.</summary>
    private static async Task AssertShareAndUsageEqualLedgerAsync(IPage page, GatewayFixture gateway)
    {
        var ledger = await gateway.LedgerAsync();
        await page.GotoAsync("ui/#/share");
        await page.WaitForSelectorAsync("#share-ranking tbody tr");
        foreach (var group in ledger.GroupBy(r => r.ModelAlias))
        {
            var cells = page.Locator("#share-ranking tbody tr", new() { HasText = group.Key }).Locator("td");
            var expected = LedgerFigures.Of(group, _ => null);
            Assert.Equal(expected.Requests.ToString(CultureInfo.InvariantCulture), await cells.Nth(3).GetAttributeAsync("data-value"));
            Assert.Equal(expected.Tokens.ToString(CultureInfo.InvariantCulture), await cells.Nth(4).GetAttributeAsync("data-value"));
            foreach (var (currency, micros) in expected.CostByCurrency)
            {
                Assert.Equal(micros.ToString(CultureInfo.InvariantCulture), await cells.Nth(9).Locator($"[data-currency='{currency}']").GetAttributeAsync("data-micros"));
            }
        }

        await page.GotoAsync("ui/#/usage");
        await page.WaitForSelectorAsync("#usage-table tbody tr");
        foreach (var group in ledger.GroupBy(r => (r.ModelAlias, r.Currency)))
        {
            var cells = page.Locator("#usage-table tbody tr", new() { HasText = group.Key.ModelAlias }).Locator("td");
            Assert.Equal(group.Count().ToString(CultureInfo.InvariantCulture), await cells.Nth(2).GetAttributeAsync("data-value"));
            Assert.Equal(group.Sum(r => r.Usage.CacheRead).ToString(CultureInfo.InvariantCulture), await cells.Nth(4).GetAttributeAsync("data-value"));
            Assert.Equal(group.Sum(r => r.Cost.Value).ToString(CultureInfo.InvariantCulture), await cells.Nth(8).Locator("[data-micros]").GetAttributeAsync("data-micros"));
        }
    }

    private static StringContent Chat() => new("""{"model":"test-model","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
}
