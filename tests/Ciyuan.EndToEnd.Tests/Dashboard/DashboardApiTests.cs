using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.AdminAccess;
using Ciyuan.Core.Admin;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard's data routes over HTTP: who may call them, and that every figure equals the ledger's.</summary>
public sealed class DashboardApiTests
{
    /// <summary>Every data route, with a method; each must refuse a caller without a session.</summary>
    private static readonly (string Method, string Path)[] DataRoutes =
    [
        ("GET", "ui/api/session"), ("GET", "ui/api/overview"), ("GET", "ui/api/share?window=7d&by=model"), ("GET", "ui/api/elsewhere?window=month"),
        ("GET", "ui/api/requests"), ("GET", "ui/api/runs"), ("GET", "ui/api/runs/run-a"), ("GET", "ui/api/deployments"),
        ("GET", "ui/api/route-explain?model=test-model"), ("GET", "ui/api/catalog"), ("GET", "ui/api/events"),
        ("GET", "ui/api/admin/keys"), ("POST", "ui/api/admin/keys"), ("DELETE", "ui/api/admin/keys/key_x"), ("POST", "ui/api/admin/keys/key_x/revoke"),
        ("GET", "ui/api/admin/usage?by=model"), ("GET", "ui/api/admin/budgets"), ("POST", "ui/api/admin/budgets"), ("GET", "ui/api/admin/budgets/bud_x"),
        ("PATCH", "ui/api/admin/budgets/bud_x"), ("DELETE", "ui/api/admin/budgets/bud_x"), ("GET", "ui/api/admin/in-doubt"),
        ("POST", "ui/api/admin/in-doubt/req_x/release"),
    ];

    [Fact]
    public async Task DataRoutes_WithoutSession_Are401()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = gateway.BaseUrl };
        using var withMasterKeyHeader = new HttpClient { BaseAddress = gateway.BaseUrl };
        withMasterKeyHeader.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFixture.MasterKey);

        foreach (var (method, path) in DataRoutes)
        {
            foreach (var client in new[] { anonymous, withMasterKeyHeader })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" or "PATCH" ? Json("{}") : null };
                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Changes_WithoutCsrfToken_Are403_WithIt_Succeed_AndViewerIsReadOnly()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        var (admin, csrf) = await DashboardGateway.SignInAsync(gateway, GatewayFixture.MasterKey);
        var (_, viewerSecret) = await gateway.Services.GetRequiredService<AdminTokenService>().CreateAsync("auditor", AdminRole.Viewer, CancellationToken.None);
        var (viewer, viewerCsrf) = await DashboardGateway.SignInAsync(gateway, viewerSecret);
        using (admin)
        using (viewer)
        {
            var noToken = await admin.PostAsync("ui/api/admin/keys", Json("""{"name":"x"}"""));
            var wrongToken = await Send(admin, HttpMethod.Post, "ui/api/admin/keys", """{"name":"x"}""", "not-the-token");
            var created = await Send(admin, HttpMethod.Post, "ui/api/admin/keys", """{"name":"made-in-ui"}""", csrf);
            var viewerReads = await viewer.GetAsync("ui/api/admin/keys");
            var viewerChanges = await Send(viewer, HttpMethod.Post, "ui/api/admin/budgets", """{"scope":"run","subject":"r","usd":1}""", viewerCsrf);
            var viewerSignOut = await Send(viewer, HttpMethod.Delete, "ui/api/session", null, viewerCsrf);
            var viewerAfter = await viewer.GetAsync("ui/api/overview");

            Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
            Assert.Contains("csrf_token_missing", await noToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(HttpStatusCode.OK, viewerReads.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, viewerChanges.StatusCode);
            Assert.Contains("read_only_role", await viewerChanges.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NoContent, viewerSignOut.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, viewerAfter.StatusCode);
        }
    }

    [Fact]
    public async Task SignIn_WrongSecretClientKeyOrOtherOrigin_IsRefused_AndCookieIsHttpOnlyStrict()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };

        var wrong = await http.PostAsJsonAsync("ui/api/session", new { secret = "guess" });
        var clientKey = await http.PostAsJsonAsync("ui/api/session", new { secret = gateway.ClientKey });
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "ui/api/session") { Content = JsonContent.Create(new { secret = GatewayFixture.MasterKey }) };
        crossSite.Headers.Add("Origin", "https://evil.example");
        var fromElsewhere = await http.SendAsync(crossSite);
        var ok = await http.PostAsJsonAsync("ui/api/session", new { secret = GatewayFixture.MasterKey });
        var cookie = ok.Headers.GetValues("Set-Cookie").Single();

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, clientKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/ui", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=28800", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(GatewayFixture.MasterKey, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Figures_OverviewShareAndUsage_EqualTheLedger()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await DashboardGateway.SendTrafficAsync(gateway, 40);
        var ledger = await gateway.LedgerWhenAsync(40);
        var (ui, _) = await DashboardGateway.SignInAsync(gateway, GatewayFixture.MasterKey);
        using (ui)
        {
            var overview = JsonNode.Parse(await ui.GetStringAsync("ui/api/overview"))!;
            var today = overview["today"]!;
            var from = DateTimeOffset.Parse(today["from"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var expected = LedgerFigures.Of(ledger.Where(r => r.CreatedAt >= from), Saving);

            Assert.Equal(40, ledger.Count);
            AssertTotals(expected, today);
            AssertTotals(LedgerFigures.Of(ledger.Where(r => r.CreatedAt >= DateTimeOffset.Parse(overview["month"]!["from"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)), Saving), overview["month"]!);
            var ok = ledger.Where(r => r.Status == RequestStatus.Ok).ToArray();
            Assert.Equal(LedgerFigures.Percentile(ok.Select(r => r.LatencyMs), 0.50), overview["latency"]!["p50_ms"]!.GetValue<double>());
            Assert.Equal(LedgerFigures.Percentile(ok.Select(r => r.LatencyMs), 0.95), overview["latency"]!["p95_ms"]!.GetValue<double>());
            Assert.Equal(LedgerFigures.Percentile(ok.Where(r => r.TimeToFirstTokenMs is not null).Select(r => r.TimeToFirstTokenMs!.Value), 0.50), overview["latency"]!["ttft_p50_ms"]!.GetValue<double>());
            Assert.Equal(ledger.Count, overview["sparklines"]!["requests"]!.AsArray().Sum(v => v!.GetValue<long>()));

            foreach (var by in new[] { "model", "provider", "jurisdiction", "family" })
            {
                var share = JsonNode.Parse(await ui.GetStringAsync($"ui/api/share?window=24h&by={by}"))!;
                var groups = ledger.GroupBy(r => by switch
                {
                    "model" => r.ModelAlias,
                    "provider" => r.Provider,
                    "jurisdiction" => r.Jurisdiction,
                    _ => "other",
                });
                var ranking = share["ranking"]!.AsArray();
                Assert.Equal(groups.Count(), ranking.Count);
                foreach (var group in groups)
                {
                    var row = ranking.Single(r => r!["group"]!.GetValue<string>() == group.Key)!;
                    AssertTotals(LedgerFigures.Of(group, Saving), row);
                    Assert.Equal(LedgerFigures.Of(group, Saving).Tokens, share["series"]!.AsArray().Single(s => s!["group"]!.GetValue<string>() == group.Key)!["tokens"]!.AsArray().Sum(v => v!.GetValue<long>()));
                }
            }

            foreach (var by in new[] { "model", "key", "provider", "run", "project", "day" })
            {
                var usage = JsonNode.Parse(await ui.GetStringAsync($"ui/api/admin/usage?by={by}"))!["rows"]!.AsArray();
                var groups = ledger.GroupBy(r => (Group: by switch
                {
                    "model" => r.ModelAlias,
                    "key" => r.KeyId,
                    "provider" => r.Provider,
                    "run" => r.RunId ?? "(none)",
                    "project" => r.Project ?? "(none)",
                    _ => r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                }, r.Currency));
                Assert.Equal(groups.Count(), usage.Count);
                foreach (var group in groups)
                {
                    var row = usage.Single(r => r!["group"]!.GetValue<string>() == group.Key.Group && r["currency"]!.GetValue<string>() == group.Key.Currency)!;
                    Assert.Equal(group.Count(), row["requests"]!.GetValue<long>());
                    Assert.Equal(group.Sum(r => r.Cost.Value), row["cost_micros"]!.GetValue<long>());
                    Assert.Equal(group.Sum(r => r.Usage.CacheRead), row["cache_read"]!.GetValue<long>());
                    Assert.Equal(group.Sum(r => r.Usage.Output), row["output"]!.GetValue<long>());
                }
            }

            var utcDay = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var filtered = JsonNode.Parse(await ui.GetStringAsync($"ui/api/admin/usage?by=model&model=cny-model&from={utcDay}"))!["rows"]!.AsArray();
            Assert.Equal(ledger.Count(r => r.ModelAlias == "cny-model"), Assert.Single(filtered)!["requests"]!.GetValue<long>());
            Assert.Empty(JsonNode.Parse(await ui.GetStringAsync("ui/api/admin/usage?by=model&to=2000-01-01"))!["rows"]!.AsArray());

            // The explorer's CSV with filters is the CLI's, byte for byte.
            var csv = await ui.GetStringAsync($"ui/api/admin/usage?by=key&provider=local&from={utcDay}&to={utcDay}&format=csv");
            var cli = await CiyuanProcess.RunAsync(gateway.DataDirectory, new Dictionary<string, string> { ["CIYUAN_DATA_DIR"] = gateway.DataDirectory },
                "usage", "--by", "key", "--provider", "local", "--from", utcDay, "--to", utcDay, "--csv");
            Assert.Equal(cli.Stdout, csv);
            Assert.Contains(gateway.KeyId, csv, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Requests_FailedAttempts_NameTheDeploymentAndTheReason()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await DashboardGateway.SendTrafficAsync(gateway, 10);
        var (client, _) = await DashboardGateway.SignInAsync(gateway, GatewayFixture.MasterKey);
        using (client)
        {
            var records = JsonNode.Parse(await client.GetStringAsync("ui/api/requests?limit=100"))!["data"]!.AsArray();

            // The one request to the failing model: its attempt is named with the error's code and the upstream's status.
            var failed = Assert.Single(records, r => r!["model"]!.GetValue<string>() == "flaky-model")!;
            var attempt = Assert.Single(failed["failed_attempts"]!.AsArray())!;
            Assert.Equal("local/flaky-upstream", attempt["deployment"]!.GetValue<string>());
            Assert.Equal("upstream_error", attempt["reason"]!.GetValue<string>());
            Assert.Equal(500, attempt["status"]!.GetValue<int>());
            Assert.All(records.Where(r => r!["status"]!.GetValue<string>() == "ok"), r => Assert.Empty(r!["failed_attempts"]!.AsArray()));
        }
    }

    [Fact]
    public async Task Responses_PagesAndAssets_NeverCarryASecret()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await DashboardGateway.SendTrafficAsync(gateway, 10);
        var (ui, csrf) = await DashboardGateway.SignInAsync(gateway, GatewayFixture.MasterKey);
        using (ui)
        {
            var created = JsonNode.Parse(await (await Send(ui, HttpMethod.Post, "ui/api/admin/keys", """{"name":"secret-scan"}""", csrf)).Content.ReadAsStringAsync())!;
            var newKey = created["key"]!.GetValue<string>();
            var bodies = new List<string>();
            foreach (var (method, path) in DataRoutes.Where(r => r.Method == "GET" && !r.Path.EndsWith("events", StringComparison.Ordinal)))
            {
                // Error answers (an unknown id) are scanned too.
                bodies.Add(await (await ui.GetAsync(path)).Content.ReadAsStringAsync());
            }

            foreach (var asset in new[] { "ui/", "ui/app.css", "ui/js/app.js", "ui/js/i18n.js", "ui/js/pages/overview.js" })
            {
                bodies.Add(await ui.GetStringAsync(asset));
            }

            foreach (var secret in new[] { DashboardGateway.ProviderSecret, DashboardGateway.CnProviderSecret, GatewayFixture.MasterKey, gateway.ClientKey, newKey })
            {
                Assert.All(bodies, body => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Ui_TurnedOff_IsNotServed_AndPagesCarryASecurityPolicy()
    {
        await using var off = await Fixtures.GatewayFixture.StartAsync("server: { ui: false }\n" + Fixtures.GatewayFixture.DefaultYaml);
        await using var on = await DashboardGateway.StartAsync();
        using var offClient = new HttpClient { BaseAddress = off.BaseUrl };
        using var onClient = new HttpClient { BaseAddress = on.BaseUrl };

        var missing = await offClient.GetAsync("ui/");
        var page = await onClient.GetAsync("ui/");
        var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = on.BaseUrl }.GetAsync("ui");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("/ui/", redirect.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Events_StreamLiveRequests_AndEndWhenTheGatewayStops()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        var (ui, _) = await DashboardGateway.SignInAsync(gateway, GatewayFixture.MasterKey);
        using (ui)
        {
            using var response = await ui.GetAsync("ui/api/events", HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await DashboardGateway.SendTrafficAsync(gateway, 3);
            var seen = new StringBuilder();
            while (!seen.ToString().Contains("event: requests", StringComparison.Ordinal))
            {
                seen.AppendLine(await reader.ReadLineAsync());
            }

            var data = await reader.ReadLineAsync();
            gateway.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().StopApplication();

            // The stream ends at once instead of holding up the shutdown (whose own limit is 30 s).
            var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("data: {\"data\":[", data, StringComparison.Ordinal);
            Assert.DoesNotContain(DashboardGateway.ProviderSecret, seen + data + rest, StringComparison.Ordinal);
        }
    }

    private static (string Currency, decimal PerToken)? Saving(UsageRecord record) =>
        record.Deployment == "local/upstream-model" ? ("USD", 0.9m) : record.Deployment == "cnhost/cny-upstream" ? ("CNY", 1.5m) : null;

    private static void AssertTotals(LedgerFigures expected, JsonNode actual)
    {
        Assert.Equal(expected.Requests, actual["requests"]!.GetValue<long>());
        Assert.Equal(expected.Errors, actual["errors"]!.GetValue<long>());
        var tokens = actual["tokens"]!;
        Assert.Equal(expected.InputUncached, tokens["input_uncached"]!.GetValue<long>());
        Assert.Equal(expected.CacheRead, tokens["cache_read"]!.GetValue<long>());
        Assert.Equal(expected.CacheWrite, tokens["cache_write"]!.GetValue<long>());
        Assert.Equal(expected.Output, tokens["output"]!.GetValue<long>());
        Assert.Equal(expected.Reasoning, tokens["reasoning"]!.GetValue<long>());
        Assert.Equal(expected.Tokens, tokens["total"]!.GetValue<long>());
        Assert.Equal(expected.CostByCurrency.OrderBy(c => c.Key, StringComparer.Ordinal),
            actual["cost"]!.AsArray().Select(c => KeyValuePair.Create(c!["currency"]!.GetValue<string>(), c["micros"]!.GetValue<long>())));
        Assert.Equal(expected.CacheSavedByCurrency.OrderBy(c => c.Key, StringComparer.Ordinal),
            actual["cache_saved"]!.AsArray().Select(c => KeyValuePair.Create(c!["currency"]!.GetValue<string>(), c["micros"]!.GetValue<long>())));
        var prompt = expected.InputUncached + expected.CacheRead + expected.CacheWrite;
        Assert.Equal(prompt == 0 ? 0 : (double)expected.CacheRead / prompt, actual["cache_hit_ratio"]!.GetValue<double>(), 9);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? body, string csrf)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        request.Headers.Add("X-CSRF-Token", csrf);
        return await client.SendAsync(request);
    }
}
