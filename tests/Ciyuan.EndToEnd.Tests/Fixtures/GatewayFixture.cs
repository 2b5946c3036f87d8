using System.Net.Http.Headers;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Keys;
using Ciyuan.Gateway.Setup;
using Ciyuan.Hosting;
using Ciyuan.Testing.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciyuan.EndToEnd.Tests.Fixtures;

/// <summary>
/// A real Ciyuan gateway on a loopback port in front of a real upstream test server, with its own
/// data directory and a freshly created client key. One per test: no test sees another's data.
/// </summary>
internal sealed class GatewayFixture : IAsyncDisposable
{
    public const string MasterKey = "test-master-key";

    private readonly WebApplication _app;
    private readonly bool _ownsDataDirectory;

    private GatewayFixture(WebApplication app, UpstreamServer upstream, string dataDirectory, bool ownsDataDirectory, Uri baseUrl, string clientKey, string keyId)
    {
        _app = app;
        _ownsDataDirectory = ownsDataDirectory;
        Upstream = upstream;
        DataDirectory = dataDirectory;
        BaseUrl = baseUrl;
        ClientKey = clientKey;
        KeyId = keyId;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
    }

    public UpstreamServer Upstream { get; }

    public string DataDirectory { get; }

    /// <summary>The config file the gateway was started from (with <c>configFile: true</c>).</summary>
    public string ConfigFile => Path.Combine(DataDirectory, "ciyuan.yaml");

    public Uri BaseUrl { get; }

    public string ClientKey { get; }

    public string KeyId { get; }

    /// <summary>An HttpClient that sends the client key as a Bearer token.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the upstream and the gateway. <paramref name="yaml"/> may use <c>{upstream}</c> for the
    /// upstream base URL. A given <paramref name="dataDirectory"/> is kept on dispose (to start again on it).
    /// </summary>
    /// <param name="configFile">Writes the config to <see cref="ConfigFile"/> and starts from it, as <c>serve --config</c> does, so it can be edited and reloaded.</param>
    public static async Task<GatewayFixture> StartAsync(string? yaml = null, string? masterKey = MasterKey, UpstreamServer? upstream = null, string? dataDirectory = null, bool configFile = false)
    {
        upstream ??= await UpstreamServer.StartAsync();
        yaml ??= DefaultYaml;
        yaml = yaml.Replace("{upstream}", upstream.BaseUrl.ToString(), StringComparison.Ordinal);
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "ciyuan-e2e-" + Guid.NewGuid().ToString("N"));
        string? file = null;
        if (configFile)
        {
            Directory.CreateDirectory(dataDirectory);
            file = Path.Combine(dataDirectory, "ciyuan.yaml");
            await File.WriteAllTextAsync(file, yaml);
        }

        var config = new ConfigLoader(CatalogProviderDefaults.Builtin, Environment.GetEnvironmentVariable).Parse(yaml, file ?? "test.yaml");
        var paths = new CiyuanPaths(file, dataDirectory);
        var app = await GatewayHost.BuildAsync(new GatewayHostOptions(paths, config, "http://127.0.0.1:0", masterKey, LogLevel.Warning, ConfigText: configFile ? yaml : null), CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var (key, secret) = await app.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("e2e"), CancellationToken.None);
        await app.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        return new GatewayFixture(app, upstream, dataDirectory, ownsDataDirectory, new Uri(address), secret, key.Id);
    }

    /// <summary>One alias <c>test-model</c> served by the upstream as <c>upstream-model</c>, priced.</summary>
    public const string DefaultYaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
            jurisdiction: self-hosted
            first_byte_timeout_seconds: 2
            timeout_seconds: 10
        models:
          - name: test-model
            deployments:
              - provider: local
                model: upstream-model
                price: { input: 1.00, output: 2.00, cache_hit: 0.10, currency: USD }
        """;

    public async Task<IReadOnlyList<UsageRecord>> LedgerAsync()
    {
        var reader = Services.GetRequiredService<IUsageReader>();
        return await reader.ListAsync(new UsageQuery(Limit: 100_000), CancellationToken.None);
    }

    /// <summary>Waits until the ledger holds <paramref name="count"/> rows (handlers record before they return, but a client may see the end first).</summary>
    public async Task<IReadOnlyList<UsageRecord>> LedgerWhenAsync(int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var rows = await LedgerAsync();
            if (rows.Count >= count)
            {
                return rows;
            }

            await Task.Delay(25);
        }

        return await LedgerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Upstream.DisposeAsync();
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine; the temp directory is cleaned by the OS later.
        }
    }
}
