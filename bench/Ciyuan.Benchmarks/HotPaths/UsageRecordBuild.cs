using System.Diagnostics;
using Ciyuan.Benchmarks.Protocols;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Pipeline;
using Ciyuan.Gateway.Relay;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;
using Ciyuan.Protocols.Requests;
using Ciyuan.Providers.Http;
using Ciyuan.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Benchmarks.HotPaths;

/// <summary>
/// A streamed answer's ledger line: the settle stage builds the usage record from the request (usage checked
/// against its ceiling, priced from the catalog's tiered DeepSeek price), and the SQLite ledger's writer binds
/// it to its prepared insert — everything but the write itself.
/// </summary>
internal sealed class UsageRecordBuild : IHotPath, IDisposable
{
    private const string Yaml = """
        providers:
          deepseek:
            kind: deepseek
            api_key: provider-secret
        models:
          - name: chat
            deployments:
              - provider: deepseek
                model: deepseek-flash
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ciyuan-hot-path-" + Guid.NewGuid().ToString("N"));
    private readonly ProviderHttpClients _clients = new();
    private readonly GatewayContext _context;
    private readonly DeploymentConfig _deployment;
    private readonly IPriceQuote? _price;
    private readonly TokenCeiling _ceiling = new(PromptTokens: 100, OutputTokens: 64);
    private readonly AnswerTally _tally = new(new TokenUsage(InputUncached: 20, CacheRead: 10, CacheWrite: 0, Output: 20, Reasoning: 0), GeneratedBytes: 120);
    private readonly SqliteConnection _connection;
    private readonly PositionalStatement _insert;

    public UsageRecordBuild()
    {
        var config = CiyuanConfigSource.Parse(Yaml, "hot-path.yaml");
        var snapshot = GatewaySnapshot.Build(config, masterKey: null, _clients, TimeProvider.System);
        var alias = snapshot.State.Aliases["chat"];
        _deployment = alias.Deployments[0];
        _price = snapshot.State.PriceOf(_deployment);
        var body = SampleBodies.ChatRequest;
        var facts = RequestScanner.Scan(body, out _)!;
        _context = new GatewayContext
        {
            RequestId = "req_0000000000000000000000000001",
            Snapshot = snapshot,
            ReceivedAt = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero),
            StartedTimestamp = Stopwatch.GetTimestamp(),
            Client = new BodyOnlyClient(body),
            Door = OpenAIDoor.Chat,
            Key = new ClientKey { Id = "key_1", Name = "team key", Hash = KeyHash.Of("sk-ciyuan-hot-path"), Prefix = "sk-ciyuan-h", CreatedAt = DateTimeOffset.UnixEpoch, Project = "project" },
            CallerSecret = "sk-ciyuan-hot-path",
            RunId = "run",
            Body = RequestBody.Of(body),
            Facts = facts,
            Alias = alias,
            OutputLimits = OpenAIDoor.Chat.OutputLimitsOf(facts),
            Streams = true,
        };
        _context.Attempts = 1;
        _context.MarkFirstToken();

        Directory.CreateDirectory(_directory);
        var database = new SqliteDatabase(Path.Combine(_directory, "ledger.db"), syncToDisk: false);
        database.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _connection = database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        _insert = UsageRecordSql.CreateInsert(_connection);
    }

    public long Run()
    {
        var record = SettleStage.Build(_context, _deployment, _price, _ceiling, _tally, RequestStatus.Ok, 200, null, streamed: true);
        UsageRecordSql.Bind(_insert, record);
        return record.Cost.Value;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
        _context.Dispose();
        _clients.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
