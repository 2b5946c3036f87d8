using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Admin;

/// <summary>Who may call <c>/admin</c>: the master key or an admin token, as <c>Authorization: Bearer</c> only; viewers read.</summary>
public sealed class AdminAccessTests
{
    private const string Master = "e2e-master-secret";

    private static readonly (HttpMethod Method, string Path)[] Routes =
    [
        (HttpMethod.Get, "admin/keys"), (HttpMethod.Post, "admin/keys"), (HttpMethod.Delete, "admin/keys/key_x"),
        (HttpMethod.Get, "admin/usage?by=key"), (HttpMethod.Patch, "admin/budgets/bud_x"), (HttpMethod.Get, "admin/budgets"),
        (HttpMethod.Post, "admin/in-doubt/req_x/release"),
    ];

    [Fact]
    public async Task Admin_HundredUnauthenticatedCalls_AreQuiet401sWithoutStackTraces()
    {
        using var dir = new TempDirectory();
        var lines = new ConcurrentQueue<string>();
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, new Dictionary<string, string> { ["CIYUAN_MASTER_KEY"] = Master }, lines.Enqueue);
        using (process)
        {
            using var http = new HttpClient { BaseAddress = baseUrl };

            // Start-up says what it says (e.g. that no models are configured); only what the calls cause counts.
            lines.Clear();
            var statuses = new List<HttpStatusCode>();
            var bodies = new List<string>();
            for (var i = 0; i < 100; i++)
            {
                var (method, path) = Routes[i % Routes.Length];
                using var request = new HttpRequestMessage(method, path);
                if (i % 2 == 0)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-" + i);
                }

                if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Delete)
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                using var response = await http.SendAsync(request);
                statuses.Add(response.StatusCode);
                bodies.Add(await response.Content.ReadAsStringAsync());
            }

            // Anything the server logs for these calls is written within moments; give it that.
            await Task.Delay(500);
            process.Kill();
            await process.WaitForExitAsync();

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
            Assert.All(bodies, b => Assert.Contains("\"code\":\"invalid_api_key\"", b, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("warn:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Admin_MasterKeyInXApiKey_IsRefusedButBearerWorks()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };

        using var viaApiKey = new HttpRequestMessage(HttpMethod.Get, "admin/keys") { Headers = { { "x-api-key", GatewayFixture.MasterKey } } };
        using var viaBearer = new HttpRequestMessage(HttpMethod.Get, "admin/keys") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey) } };
        var refused = await http.SendAsync(viaApiKey);
        var allowed = await http.SendAsync(viaBearer);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Authorization: Bearer", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task AdminsCli_ViewerReadsButCannotChange_AdminChanges_RevokedIsRefused()
    {
        using var dir = new TempDirectory();
        var environment = new Dictionary<string, string> { ["CIYUAN_MASTER_KEY"] = Master };
        var viewer = await CiyuanProcess.RunAsync(dir.Path, environment, "admins", "create", "--name", "auditor", "--role", "viewer");
        var admin = await CiyuanProcess.RunAsync(dir.Path, environment, "admins", "create", "--name", "ops", "--role", "admin");
        var badRole = await CiyuanProcess.RunAsync(dir.Path, environment, "admins", "create", "--name", "x", "--role", "root");
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, environment);
        using (process)
        {
            using var asViewer = Client(baseUrl, viewer.Stdout.Trim());
            using var asAdmin = Client(baseUrl, admin.Stdout.Trim());

            var viewerReads = await asViewer.GetAsync("admin/keys");
            var viewerCreates = await asViewer.PostAsync("admin/keys", Json("""{"name":"nope"}"""));
            var viewerBudgets = await asViewer.PostAsync("admin/budgets", Json("""{"scope":"run","subject":"r","usd":1}"""));
            var adminCreates = await asAdmin.PostAsync("admin/keys", Json("""{"name":"made-by-ops"}"""));
            var listed = await CiyuanProcess.RunAsync(dir.Path, environment, "admins", "list");
            var viewerId = listed.Stdout.Split('\n').Single(l => l.Contains("auditor", StringComparison.Ordinal)).Split(' ')[0];
            var revoked = await CiyuanProcess.RunAsync(dir.Path, environment, "admins", "revoke", viewerId);
            var afterRevoke = await asViewer.GetAsync("admin/keys");
            process.Kill();
            await process.WaitForExitAsync();

            Assert.StartsWith("cya-", viewer.Stdout.Trim(), StringComparison.Ordinal);
            Assert.Equal(2, badRole.ExitCode);
            Assert.Equal(HttpStatusCode.OK, viewerReads.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, viewerCreates.StatusCode);
            Assert.Contains("read_only_role", await viewerCreates.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, viewerBudgets.StatusCode);
            Assert.Equal(HttpStatusCode.Created, adminCreates.StatusCode);
            Assert.DoesNotContain(viewer.Stdout.Trim(), listed.Stdout, StringComparison.Ordinal);
            Assert.Contains("viewer", listed.Stdout, StringComparison.Ordinal);
            Assert.Equal(0, revoked.ExitCode);
            Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        }
    }

    private static HttpClient Client(Uri baseUrl, string secret)
    {
        var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
