using System.Net;
using System.Text;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;
using Microsoft.Data.Sqlite;

namespace Ciyuan.EndToEnd.Tests.Hostile;

/// <summary>
/// An upstream that echoes the credentials it was sent must not hand the provider key to the
/// client or leave it in the ledger; the ledger's files are the operator's alone.
/// </summary>
public sealed class SecretTests
{
    private const string ProviderKey = "sk-provider-secret-0123456789abcdef";

    private const string Yaml = $$"""
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
            api_key: {{ProviderKey}}
        models:
          - name: m
            deployments:
              - provider: local
                model: x
                price: { input: 1, output: 2, currency: USD }
        """;

    private static StringContent Body(bool stream) =>
        new($$"""{"model":"m","max_tokens":50,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    /// <summary>Every byte the database keeps, the WAL included.</summary>
    private static string DatabaseBytes(string dataDirectory) =>
        string.Concat(Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task EchoedCredentialsInAnError_NeverReachTheClientOrTheLedger(int status)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new EchoCredentials(status);

        var response = await gateway.Http.PostAsync("v1/chat/completions", Body(stream: false));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode >= 400);
        Assert.Contains("Bearer ***", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(gateway.ClientKey, text, StringComparison.Ordinal);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.DoesNotContain(ProviderKey, row.Error ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderKey, DatabaseBytes(gateway.DataDirectory), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EchoedCredentialsInAnAnswer_AreMasked(bool stream)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new EchoCredentials(200);

        var response = await gateway.Http.PostAsync("v1/chat/completions", Body(stream));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("you sent Authorization=Bearer *", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorTextStoredByAnEarlierBuild_IsScrubbedAtStartUp()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ciyuan-scrub-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await GatewayFixture.StartAsync(Yaml, dataDirectory: dataDirectory))
            {
                first.Upstream.Default = new Reply();
                await first.Http.PostAsync("v1/chat/completions", Body(stream: false));
            }

            // An older build wrote the upstream's message verbatim (and never scrubbed: no mark in meta).
            await using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "ciyuan.db")};Pooling=false"))
            {
                await connection.OpenAsync();
                await using var leak = connection.CreateCommand();
                leak.CommandText = $"UPDATE usage_records SET error = 'upstream said: Bearer {ProviderKey}'; DELETE FROM meta WHERE name = 'secrets_scrubbed';";
                await leak.ExecuteNonQueryAsync();
            }

            Assert.Contains(ProviderKey, DatabaseBytes(dataDirectory), StringComparison.Ordinal);
            await using (var second = await GatewayFixture.StartAsync(Yaml, dataDirectory: dataDirectory))
            {
                var row = Assert.Single(await second.LedgerAsync());
                Assert.Equal("upstream said: Bearer ***", row.Error);
            }

            Assert.DoesNotContain(ProviderKey, DatabaseBytes(dataDirectory), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task DataDirectoryAndFiles_AreReadableByTheOwnerOnly()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Reply();
        await gateway.Http.PostAsync("v1/chat/completions", Body(stream: false));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(gateway.DataDirectory));
        var files = Directory.EnumerateFiles(gateway.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("ciyuan.db-wal", StringComparison.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(gateway.DataDirectory, "ciyuan-holds")));
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.All(Directory.EnumerateDirectories(gateway.DataDirectory, "*", SearchOption.AllDirectories),
            d => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(d)));
    }
}
