using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// What a translation does with each top-level field of a Responses request that the canonical
/// model does not carry (README, "Responses requests on other upstreams"): dropped for the stated
/// reason, or refused because leaving it out would change the answer. Fields the codec maps are
/// listed in <see cref="Mapped"/>; anything else is refused.
/// </summary>
internal static class ResponsesFieldFates
{
    public static readonly IReadOnlySet<string> Mapped = new HashSet<string>(StringComparer.Ordinal)
    {
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "max_output_tokens", "temperature",
        "top_p", "reasoning", "text", "stream", "user", "safety_identifier", "store", "previous_response_id", "metadata",
        "include", "prompt_cache_key", "truncation",
    };

    /// <summary>The fate of an unmapped field, or null when its value asks for nothing (e.g. <c>background: false</c>).</summary>
    public static SourceField? Of(string name, JsonElement value) => name switch
    {
        "service_tier" => Dropped(name, "a capacity tier of OpenAI's own; other vendors serve every request at theirs"),
        "stream_options" => Dropped(name, "stream obfuscation pads OpenAI's events against side channels; translated streams carry none"),
        "client_metadata" => Dropped(name, "a client's own annotations (Codex sends them); they do not reach the model"),
        "prompt_cache_retention" => Dropped(name, "the vendors cache prompt prefixes for as long as they choose"),
        "max_tool_calls" => Dropped(name, "it bounds calls of hosted tools, which a translated request has none of"),
        "background" when value.ValueKind == JsonValueKind.False => null,
        "background" => Refused(name, "background responses are not offered; send the request without it (streaming keeps long answers alive)"),
        "top_logprobs" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count == 0 => null,
        "top_logprobs" => Refused(name, "log probabilities are not carried across dialects"),
        "conversation" => Refused(name, "the Conversations API is not offered; chain responses with previous_response_id instead"),
        "prompt" => Refused(name, "prompt templates are stored at OpenAI; send the prompt's text as input"),
        _ => Refused(name, "Ciyuan cannot tell whether leaving it out would change the answer"),
    };

    public static SourceField Dropped(string path, string reason) => new(path, FieldFate.Dropped, reason);

    public static SourceField Refused(string path, string reason) => new(path, FieldFate.Refused, reason);
}
