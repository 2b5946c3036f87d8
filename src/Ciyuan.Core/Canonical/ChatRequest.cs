using System.Collections.Immutable;
using System.Text.Json;

namespace Ciyuan.Core.Canonical;

/// <summary>
/// A chat request in the gateway's own terms: the hub every dialect codec maps to and from.
/// System prompts are messages with <see cref="ChatRole.System"/> at the front; tool results are
/// one <see cref="ChatRole.Tool"/> message per result (the OpenAI shape), which the Anthropic codec
/// folds back into a user message.
/// </summary>
public sealed record ChatRequest
{
    public required string Model { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    public ToolChoice? ToolChoice { get; init; }

    /// <summary>Null: the upstream's default (parallel calls allowed by both dialects).</summary>
    public bool? ParallelToolCalls { get; init; }

    public int? MaxOutputTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public ReasoningConfig? Reasoning { get; init; }

    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>End-user id for abuse tracking (<c>user</c> / <c>metadata.user_id</c>).</summary>
    public string? User { get; init; }

    public bool Stream { get; init; }

    /// <summary>The client asked for a usage chunk at the end of an OpenAI stream.</summary>
    public bool StreamIncludeUsage { get; init; }

    public required Dialect SourceDialect { get; init; }

    /// <summary>
    /// Top-level fields the source codec did not map, kept verbatim. Written back only when the
    /// target dialect equals <see cref="SourceDialect"/>: their meaning belongs to that dialect.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>
    /// Source fields with no canonical counterpart, each with its fate when the request is written
    /// in the other dialect: the encoder refuses the request over a <see cref="FieldFate.Refused"/>
    /// one and reports the <see cref="FieldFate.Dropped"/> ones.
    /// </summary>
    public IReadOnlyList<SourceField> SourceFields { get; init; } = [];

    /// <summary>
    /// The source request's settings a door repeats in its answers (an OpenAI Responses object echoes
    /// <c>instructions</c>, <c>tools</c>, <c>text</c>, <c>metadata</c>… of its request), verbatim.
    /// Never written to an upstream.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Echo { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}
