using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Tokenizers;

namespace Ciyuan.Gateway.State;

/// <summary>
/// Chooses the tokenizer of a deployment (config <c>tokenizer:</c>, else the catalog's family, else the
/// flagged estimate) and counts canonical chat requests with the family's chat template.
/// </summary>
internal sealed class TokenCounter
{
    private readonly GatewayState _state;
    private readonly TokenizerRegistry _registry;

    public TokenCounter(GatewayState state)
    {
        _state = state;
        var files = state.Config.Tokenizers.ToDictionary(
            entry => entry.Key,
            entry => new TokenizerFileSpec(entry.Value.Path, entry.Value.Format, entry.Value.Pattern),
            StringComparer.OrdinalIgnoreCase);
        try
        {
            _registry = files.Count == 0 ? TokenizerRegistry.Shared : TokenizerRegistry.Shared.WithFiles(files);
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException(string.Empty, ex.Message);
        }
    }

    public ITokenizer For(DeploymentConfig deployment) =>
        _registry.Get(deployment.Tokenizer ?? _state.CatalogModels.GetValueOrDefault(deployment.Id)?.Family ?? "unknown");

    public ITokenizer For(ModelAliasConfig alias) => For(alias.Deployments[0]);

    /// <summary>A family's tokenizer by name, from the files the config supplies or the built-in ones.</summary>
    public ITokenizer ForFamily(string family) => _registry.Get(family);

    /// <summary>Prompt tokens of a chat request as the provider counts them (template overhead and tools included).</summary>
    public static int CountChat(ITokenizer tokenizer, ChatRequest request) => tokenizer.CountChat(ToCountRequest(request));

    public static ChatTokenCountRequest ToCountRequest(ChatRequest request)
    {
        var messages = new List<ChatTokenMessage>(request.Messages.Count);
        foreach (var message in request.Messages)
        {
            var text = new System.Text.StringBuilder();
            var reasoning = new System.Text.StringBuilder();
            var calls = new List<ChatTokenToolCall>();
            foreach (var part in message.Content)
            {
                switch (part)
                {
                    case TextPart t:
                        text.Append(t.Text);
                        break;
                    case ReasoningPart r:
                        reasoning.Append(r.Text);
                        break;
                    case ToolCallPart c:
                        calls.Add(new ChatTokenToolCall(c.Id, c.Name, c.ArgumentsJson));
                        break;
                    case ToolResultPart result:
                        // Each tool result is a tool message of its own, as the OpenAI dialect sends it.
                        messages.Add(new ChatTokenMessage("tool", string.Concat(result.Content.OfType<TextPart>().Select(p => p.Text)), ToolCallId: result.ToolCallId));
                        break;
                    default:
                        break;
                }
            }

            if (text.Length > 0 || calls.Count > 0 || reasoning.Length > 0 || message.Content.Count == 0)
            {
                messages.Add(new ChatTokenMessage(
                    message.Role.ToString().ToLowerInvariant(),
                    text.ToString(),
                    reasoning.Length > 0 ? reasoning.ToString() : null,
                    calls.Count > 0 ? calls : null,
                    message.ToolCallId));
            }
        }

        return new ChatTokenCountRequest(messages, ToolsJson(request.Tools), AddGenerationPrompt: true,
            EnableThinking: request.Reasoning is null ? null : request.Reasoning.Mode != ReasoningMode.Disabled);
    }

    private static string? ToolsJson(IReadOnlyList<ToolDefinition> tools)
    {
        if (tools.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var tool in tools)
            {
                json.WriteStartObject();
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", tool.Name);
                if (tool.Description is { } description)
                {
                    json.WriteString("description", description);
                }

                json.WritePropertyName("parameters");
                tool.Parameters.WriteTo(json);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
