using System.Globalization;
using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

/// <summary>
/// Random canonical requests limited to what one dialect can express exactly, for round-trip
/// properties. Seeded, so a failing seed reproduces.
/// </summary>
internal sealed class RandomRequests(int seed)
{
    private static readonly string[] Words = ["hello", "世界", "tab\tand \"quotes\"", "line\nbreak", "emoji 🚀", "<tag>&amp;", "\\back\\slash", "Error: looks like one", ""];

    private readonly Random _random = new(seed);

    public ChatRequest ForAnthropic()
    {
        var messages = new List<ChatMessage>();
        if (Chance())
        {
            messages.Add(new ChatMessage(ChatRole.System, Many(1, 3, () => new TextPart(Text(nonEmpty: true), Chance() ? CacheControl() : null))));
        }

        Conversation(messages, anthropic: true);
        var tools = Many(0, 3, () => Tool(anthropic: true));
        var choice = Pick<ToolChoice?>(null, ToolChoice.Auto, ToolChoice.Required, ToolChoice.None, new ToolChoice(ToolChoiceKind.Tool, "tool_x"));
        var maxTokens = _random.Next(2048, 64000);
        return new ChatRequest
        {
            Model = "m",
            Messages = messages,
            Tools = tools,
            ToolChoice = choice,
            ParallelToolCalls = choice is null or { Kind: ToolChoiceKind.None } ? null : Pick<bool?>(null, true, false),
            MaxOutputTokens = maxTokens,
            Temperature = Maybe(() => Math.Round(_random.NextDouble(), 2)),
            TopP = Maybe(() => Math.Round(_random.NextDouble(), 3)),
            TopK = Maybe(() => _random.Next(1, 100)),
            Stop = Many(0, 3, () => Text(nonEmpty: true)),
            Reasoning = Pick<ReasoningConfig?>(
                null,
                new ReasoningConfig(ReasoningMode.Enabled) { BudgetTokens = _random.Next(1024, maxTokens) },
                new ReasoningConfig(ReasoningMode.Disabled),
                new ReasoningConfig(ReasoningMode.Adaptive) { Effort = Pick<string?>(null, "low", "high") },
                new ReasoningConfig(null) { Effort = "medium" }),
            User = Maybe(() => "user-" + _random.Next(100)),
            Stream = Chance(),
            SourceDialect = Dialect.Anthropic,
            Extensions = Chance() ? new Dictionary<string, JsonElement> { ["service_tier"] = Json("\"auto\"") } : new Dictionary<string, JsonElement>(),
        };
    }

    public ChatRequest ForOpenAI()
    {
        var messages = new List<ChatMessage>();
        if (Chance())
        {
            messages.Add(new ChatMessage(ChatRole.System, [new TextPart(Text(nonEmpty: true))]) { Name = Maybe(() => "sys") });
        }

        Conversation(messages, anthropic: false);
        var tools = Many(0, 3, () => Tool(anthropic: false));
        var stream = Chance();
        return new ChatRequest
        {
            Model = "m",
            Messages = messages,
            Tools = tools,
            ToolChoice = Pick<ToolChoice?>(null, ToolChoice.Auto, ToolChoice.Required, ToolChoice.None, new ToolChoice(ToolChoiceKind.Tool, "tool_x")),
            ParallelToolCalls = tools.Count > 0 ? Pick<bool?>(null, true, false) : null,
            MaxOutputTokens = Maybe(() => _random.Next(1, 64000)),
            Temperature = Maybe(() => Math.Round(_random.NextDouble() * 2, 2)),
            TopP = Maybe(() => Math.Round(_random.NextDouble(), 3)),
            TopK = Maybe(() => _random.Next(1, 100)),
            Stop = Many(0, 4, () => Text(nonEmpty: true)),
            Reasoning = Pick<ReasoningConfig?>(null, new ReasoningConfig(null) { Effort = Pick("none", "minimal", "low", "medium", "high") }),
            ResponseFormat = Pick<ResponseFormat?>(null, new ResponseFormat(ResponseFormatKind.Text), new ResponseFormat(ResponseFormatKind.JsonObject),
                new ResponseFormat(ResponseFormatKind.JsonSchema, Json("""{"name":"out","schema":{"type":"object"},"strict":true}"""))),
            User = Maybe(() => "user-" + _random.Next(100)),
            Stream = stream,
            StreamIncludeUsage = stream && Chance(),
            SourceDialect = Dialect.OpenAI,
            Extensions = Chance() ? new Dictionary<string, JsonElement> { ["seed"] = Json("7"), ["metadata"] = Json("""{"a":"b"}""") } : new Dictionary<string, JsonElement>(),
        };
    }

    private void Conversation(List<ChatMessage> messages, bool anthropic)
    {
        var turns = _random.Next(1, 5);
        for (var turn = 0; turn < turns; turn++)
        {
            messages.Add(new ChatMessage(ChatRole.User, UserParts(anthropic)) { Name = anthropic ? null : Maybe(() => "alice") });
            var assistant = AssistantParts(anthropic);
            messages.Add(new ChatMessage(ChatRole.Assistant, assistant));
            foreach (var call in assistant.OfType<ToolCallPart>())
            {
                messages.Add(new ChatMessage(ChatRole.Tool, [ToolResult(call.Id, anthropic)]) { ToolCallId = call.Id });
            }
        }

        if (Chance())
        {
            messages.Add(new ChatMessage(ChatRole.User, UserParts(anthropic)));
        }
    }

    private List<ContentPart> UserParts(bool anthropic)
    {
        var parts = Many(1, 3, () => _random.Next(3) switch
        {
            0 => new ImagePart(null, "image/png", "iVBORw0KGgo="),
            1 => new ImagePart("https://example.com/" + _random.Next(100) + ".jpg", null, null),
            _ => (ContentPart)new TextPart(Text(nonEmpty: false), anthropic && Chance() ? CacheControl() : null),
        });
        return parts;
    }

    private List<ContentPart> AssistantParts(bool anthropic)
    {
        var parts = new List<ContentPart>();
        if (anthropic || Chance())
        {
            parts.AddRange(Many(0, 2, () => Chance()
                ? new ReasoningPart(Text(nonEmpty: false), "sig-" + _random.Next(1000))
                : new ReasoningPart("", null, "redacted-" + _random.Next(1000))));
        }
        else if (Chance())
        {
            parts.Add(new ReasoningPart(Text(nonEmpty: true)));
        }

        var texts = anthropic ? _random.Next(0, 3) : _random.Next(0, 2);
        for (var i = 0; i < texts; i++)
        {
            parts.Add(new TextPart(Text(nonEmpty: true)));
        }

        parts.AddRange(Many(0, 3, () => new ToolCallPart("call_" + _random.Next(1_000_000), Pick("bash", "read_file", "tool_x"),
            anthropic ? $$"""{"path":"{{Pick("a.txt", "b/c.cs")}}","n":{{_random.Next(10)}}}""" : Pick("{\"a\":1}", "", "{ \"spaced\" : true }", "not json"))));
        if (parts.Count == 0)
        {
            parts.Add(new TextPart("ok"));
        }

        return parts;
    }

    private ToolResultPart ToolResult(string id, bool anthropic)
    {
        var isError = Chance();
        if (!anthropic)
        {
            var text = Text(nonEmpty: false);
            return new ToolResultPart(id, [new TextPart(!isError && text.StartsWith("Error: ", StringComparison.Ordinal) ? "x" + text : text)], isError);
        }

        return new ToolResultPart(id, Many(0, 2, () => Chance() ? new TextPart(Text(nonEmpty: false)) : (ContentPart)new ImagePart(null, "image/jpeg", "AAAA")), isError);
    }

    private ToolDefinition Tool(bool anthropic) =>
        new(Pick("bash", "read_file", "tool_x"), Maybe(() => Text(nonEmpty: true)), Json("""{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"""))
        {
            Strict = anthropic ? null : Pick<bool?>(null, true, false),
            CacheControl = anthropic && Chance() ? CacheControl() : null,
        };

    private static JsonElement CacheControl() => Json("""{"type":"ephemeral"}""");

    private string Text(bool nonEmpty)
    {
        var text = string.Join(" ", Many(1, 3, () => Pick(Words)));
        return nonEmpty && text.Length == 0 ? "text " + _random.Next(100).ToString(CultureInfo.InvariantCulture) : text;
    }

    private bool Chance() => _random.Next(2) == 0;

    private T? Maybe<T>(Func<T> make) => Chance() ? make() : default;

    private T Pick<T>(params T[] options) => options[_random.Next(options.Length)];

    private List<T> Many<T>(int min, int max, Func<T> make)
    {
        var count = _random.Next(min, max + 1);
        var list = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(make());
        }

        return list;
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
