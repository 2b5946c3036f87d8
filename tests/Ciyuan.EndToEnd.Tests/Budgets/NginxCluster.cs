using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Servers;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>
/// The production shape on one machine: several <c>ciyuan serve</c> processes behind nginx (from
/// Debian's package, as in production), sharing one PostgreSQL database and one Redis, configured as
/// <c>scripts/cluster.sh</c> configures them. Each instance has an upstream test server of its own,
/// so what each instance sent upstream is known even after it was killed. Instances share one data
/// directory (one host), so a survivor writes a killed instance's outage journal.
/// </summary>
internal sealed class NginxCluster : IAsyncDisposable
{
    /// <summary>Tests that start a cluster run one at a time: each already keeps a few processes busy.</summary>
    public const string Collection = "nginx cluster";

    private readonly TempDirectory _work;
    private readonly RedisInstance _redis;
    private readonly Process _nginx;

    private NginxCluster(TempDirectory work, RedisInstance redis, string database, IReadOnlyList<Instance> instances, Process nginx, Uri baseUrl, string clientKey)
    {
        _work = work;
        _redis = redis;
        Database = database;
        Instances = instances;
        _nginx = nginx;
        BaseUrl = baseUrl;
        ClientKey = clientKey;
    }

    /// <summary>One gateway process, its own upstream, and its address behind nginx.</summary>
    public sealed record Instance(Process Process, Uri BaseUrl, UpstreamServer Upstream, TempDirectory Directory)
    {
        /// <summary>The instance id it registered in the database contains its process id.</summary>
        public string IdPattern => $"%:{Process.Id.ToString(CultureInfo.InvariantCulture)}:%";
    }

    /// <summary>The Npgsql connection string of the shared database.</summary>
    public string Database { get; }

    public IReadOnlyList<Instance> Instances { get; }

    /// <summary>nginx: the one address clients use.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A client key every instance knows (created in the shared database).</summary>
    public string ClientKey { get; }

    /// <param name="yaml">Providers, models, budgets; <c>{upstream}</c> becomes each instance's own upstream.</param>
    /// <param name="storage">Lines added under <c>storage:</c> after the database and Redis.</param>
    /// <param name="keyArguments">Arguments of <c>ciyuan keys create</c> for the clients' key, after its name.</param>
    public static async Task<NginxCluster> StartAsync(string yaml, string storage, Reply reply, int count = 3, params string[] keyArguments)
    {
        var nginxBinary = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "nginx was not found. Install it (Debian/Ubuntu: apt-get install nginx); scripts/test.sh does.");
        var work = new TempDirectory();
        var redis = RedisInstance.Start();
        var database = await PostgresServer.CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["CIYUAN_DATA_DIR"] = Path.Combine(work.Path, "data"),
            ["CIYUAN_MASTER_KEY"] = GatewayFixture.MasterKey,
        };
        var instances = new List<Instance>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var upstream = await UpstreamServer.StartAsync();
                upstream.Default = reply;
                var directory = new TempDirectory();
                directory.File("ciyuan.yaml", yaml.Replace("{upstream}", upstream.BaseUrl.ToString(), StringComparison.Ordinal) + $$"""

                    storage:
                      postgres: "{{database}}"
                      redis: "{{redis.ConnectionString}}"
                    {{storage}}
                    """);

                // One after the other: the first migrates the database.
                var output = new ConcurrentQueue<string>();
                try
                {
                    var (process, baseUrl) = await CiyuanProcess.StartServeAsync(directory.Path, environment, output.Enqueue);
                    instances.Add(new Instance(process, baseUrl, upstream, directory));
                }
                catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
                {
                    await upstream.DisposeAsync();
                    directory.Dispose();
                    throw new InvalidOperationException($"instance {i + 1} did not start: {ex.Message}\n{string.Join('\n', output)}", ex);
                }
            }

            var clientKey = (await CiyuanProcess.RunAsync(instances[0].Directory.Path, environment, ["keys", "create", "--name", "cluster", .. keyArguments])).Stdout.Trim();
            var port = CiyuanProcess.FreePort();
            var conf = work.File("nginx.conf", NginxConf(work.Path, port, instances));
            var nginx = Process.Start(new ProcessStartInfo(nginxBinary) { ArgumentList = { "-p", work.Path, "-c", conf, "-g", "daemon off;" }, UseShellExecute = false })
                ?? throw new InvalidOperationException("nginx could not be started");
            var cluster = new NginxCluster(work, redis, database, instances, nginx, new Uri($"http://127.0.0.1:{port}/"), clientKey);
            await cluster.UntilReadyAsync();
            return cluster;
        }
        catch
        {
            foreach (var instance in instances)
            {
                Stop(instance.Process, Signal.Kill);
                await instance.Upstream.DisposeAsync();
                instance.Directory.Dispose();
            }

            redis.Dispose();
            work.Dispose();
            throw;
        }
    }

    /// <summary>
    /// kill -9: no drain, no goodbye, nothing given back. Returns once the process is gone: the signal
    /// is delivered and the process torn down after <c>kill</c> returns, and until then it still
    /// accepts what nginx sends it on the connections it keeps open.
    /// </summary>
    public void Kill(Instance instance)
    {
        Stop(instance.Process, Signal.Kill);
        instance.Process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            Stop(instance.Process, Signal.Term);
        }

        foreach (var instance in Instances)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await instance.Process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                instance.Process.Kill(entireProcessTree: true);
            }

            instance.Process.Dispose();
            await instance.Upstream.DisposeAsync();
            instance.Directory.Dispose();
        }

        Stop(_nginx, Signal.Quit);
        await _nginx.WaitForExitAsync();
        _nginx.Dispose();
        _redis.Dispose();
        _work.Dispose();
    }

    private async Task UntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync("readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // nginx is not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("nginx did not pass /readyz through in 30 s");
    }

    /// <summary>As <c>scripts/cluster.sh</c> writes it: least connections, keep-alive, and a POST that reached an instance never sent to a second one.</summary>
    private static string NginxConf(string work, int port, IEnumerable<Instance> instances) => $$"""
        {{(Environment.UserName == "root" ? "user root;" : "")}}
        worker_processes 1;
        pid {{work}}/nginx.pid;
        error_log {{work}}/error.log warn;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path {{work}}/body;
          proxy_temp_path {{work}}/proxy;
          fastcgi_temp_path {{work}}/fastcgi;
          uwsgi_temp_path {{work}}/uwsgi;
          scgi_temp_path {{work}}/scgi;
          upstream ciyuan {
            least_conn;
        {{string.Concat(instances.Select(i => $"    server 127.0.0.1:{i.BaseUrl.Port} max_fails=1 fail_timeout=2s;\n"))}}    keepalive 128;
          }
          server {
            listen 127.0.0.1:{{port}};
            location / {
              proxy_pass http://ciyuan;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
              proxy_read_timeout 120s;
              proxy_next_upstream error timeout;
            }
          }
        }
        """;

    private enum Signal
    {
        Term,
        Quit,
        Kill,
    }

    private static void Stop(Process process, Signal signal)
    {
        if (process.HasExited)
        {
            return;
        }

        if (signal == Signal.Kill)
        {
            process.Kill();
            return;
        }

        using var kill = Process.Start("kill", [signal == Signal.Term ? "-TERM" : "-QUIT", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
