using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Hostile;

/// <summary>
/// Twenty thousand mutated chat and messages bodies against a live gateway (translated and
/// passthrough): the gateway itself never answers 5xx, never hangs, and writes exactly one ledger
/// line for every request that reached an upstream. Mutations are seeded, so a failure replays.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Bodies = 20_000;

    private const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
            timeout_seconds: 10
          native:
            kind: anthropic
            base_url: "{upstream}"
            anthropic_base_url: "{anthropic}"
            timeout_seconds: 10
        models:
          - name: m
            deployments:
              - provider: local
                model: x
                price: { input: 1, output: 2, currency: USD }
          - name: a
            deployments:
              - provider: native
                model: claude-x
                price: { input: 3, output: 15, currency: USD }
        """;

    private static readonly string[] Seeds =
    [
        """{"model":"m","max_tokens":20,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}]}""",
        """{"model":"m","stream":true,"max_completion_tokens":30,"n":2,"messages":[{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""",
        """{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}],"tool_choice":"auto","messages":[{"role":"user","content":"call f"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":\"1\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}],"temperature":0.2}""",
        """{"model":"a","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""",
        """{"model":"m","max_tokens":64,"system":[{"type":"text","text":"sys","cache_control":{"type":"ephemeral"}}],"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":[{"type":"text","text":"q"}]},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"tu1","name":"f","input":{"a":1}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"tu1","content":"r","is_error":false}]}]}""",
        """{"model":"m","stream":true,"max_tokens":16,"temperature":0.5,"top_p":0.9,"stop_sequences":["x"],"messages":[{"role":"user","content":"hello"}]}""",
    ];

    private static readonly string[] Hostile =
    [
        "\\ud800", "\\udc00", "1e400", "-1e400", "-1", "0", "99999999999999999999999", "null", "[]", "{}", "\"", "\\", "\\u0000",
        "\"max_tokens\":-5,", "\"n\":1000,", "\"model\":\"m\",", "\"max_tokens\":\"9\",", "[[[[[[[[[[[[[[[[[[[[", "]]]]", "true", "1.5", "\"\\u00e9\"",
    ];

    [Fact]
    public async Task MutatedBodies_NeverA5xxFromTheGateway_NeverAHang_AndOneLedgerLinePerUpstreamRequest()
    {
        await using var upstream = await UpstreamServer.StartAsync();
        var yaml = Yaml.Replace("{anthropic}", upstream.AnthropicBaseUrl.ToString(), StringComparison.Ordinal);
        await using var gateway = await GatewayFixture.StartAsync(yaml, upstream: upstream);
        var random = new Random(20261207);
        var bodies = Enumerable.Range(0, Bodies).Select(i => (Route: i % 2 == 0 ? "v1/chat/completions" : "v1/messages", Body: Mutate(Seeds[random.Next(Seeds.Length)], random))).ToArray();
        var statuses = new int[600];
        var gatewayFailures = new List<string>();
        var next = -1;

        async Task WorkAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                var (route, body) = bodies[i];
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await gateway.Http.PostAsync(route, content);
                var text = await response.Content.ReadAsStringAsync();
                Interlocked.Increment(ref statuses[(int)response.StatusCode]);
                if ((int)response.StatusCode >= 500 && !response.Headers.Contains("X-Ciyuan-Provider"))
                {
                    lock (gatewayFailures)
                    {
                        gatewayFailures.Add($"#{i} {route} {(int)response.StatusCode} {text} <- {Encoding.UTF8.GetString(body)}");
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(WorkAsync)));

        output.WriteLine(string.Join(", ", statuses.Select((n, s) => (n, s)).Where(x => x.n > 0).Select(x => $"{x.s}: {x.n}")));
        foreach (var failure in gatewayFailures.Take(20))
        {
            output.WriteLine(failure);
        }

        Assert.True(gatewayFailures.Count == 0, $"{gatewayFailures.Count} gateway 5xx, first: {gatewayFailures.FirstOrDefault()}");
        Assert.Equal(Bodies, statuses.Sum());
        // One line per request that reached an upstream, its attempts (a retry after an upstream
        // error is a second upstream request) adding up to what the upstream received.
        var rows = await gateway.LedgerAsync();
        Assert.Equal(upstream.Requests.Count, rows.Sum(r => r.Attempts));
        Assert.Equal(rows.Count, rows.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());
    }

    private static byte[] Mutate(string seed, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(random.Next(3) == 0 ? Structural(seed, random) : seed).ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 2:
                    var length = random.Next(1, Math.Min(16, bytes.Count - Math.Min(at, bytes.Count - 1)));
                    bytes.RemoveRange(Math.Min(at, bytes.Count - length), length);
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Hostile[random.Next(Hostile.Length)]));
                    break;
                case 3:
                    bytes.InsertRange(at, random.Next(2) == 0 ? [0xFF] : [0xC3, 0x28]);
                    break;
                default:
                    // Leave this edit out: many bodies stay valid JSON, and reach the deeper paths.
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Replaces one value anywhere in the body with a value of another kind (valid JSON, odd shape).</summary>
    private static string Structural(string seed, Random random)
    {
        var root = JsonNode.Parse(seed)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        JsonNode? replacement = random.Next(8) switch
        {
            0 => null,
            1 => JsonValue.Create(-1),
            2 => JsonValue.Create(long.MaxValue),
            3 => JsonValue.Create("\ud83d\ude00 text"),
            4 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
            5 => new JsonObject { ["type"] = "unknown_block", ["x"] = 1 },
            6 => JsonValue.Create(true),
            _ => JsonValue.Create(1e300),
        };
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
            default:
                break;
        }

        return root.ToJsonString();
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        if (node.Parent is not null)
        {
            nodes.Add(node);
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            default:
                break;
        }
    }
}
