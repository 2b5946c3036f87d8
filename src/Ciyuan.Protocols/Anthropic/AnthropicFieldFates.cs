using System.Collections.Frozen;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// The fate of every top-level Anthropic Messages field when a request is translated for an
/// OpenAI-dialect upstream: mapped (decoded into the canonical model and written in the target's
/// terms), dropped with a reason, or refused. A field this table does not know is refused: Ciyuan
/// cannot tell whether leaving it out would change the answer. The README's table of fates is
/// checked against this one by a test.
/// </summary>
public static class AnthropicFieldFates
{
    /// <summary>Fields decoded into the canonical model.</summary>
    public static readonly FrozenSet<string> Mapped = FrozenSet.ToFrozenSet(
    [
        "model", "max_tokens", "messages", "system", "stream", "temperature", "top_p", "top_k", "stop_sequences",
        "tools", "tool_choice", "metadata", "thinking", "output_config", "output_format", "context_management",
    ], StringComparer.Ordinal);

    /// <summary>Fields left out, each with its reason.</summary>
    public static readonly FrozenDictionary<string, string> Dropped = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cache_control"] = "the upstream caches prompt prefixes by itself; cache reads are metered from its usage",
        ["service_tier"] = "Anthropic's capacity tier has no counterpart at another vendor",
        ["speed"] = "Anthropic's fast output mode has no counterpart at another vendor",
        ["diagnostics"] = "Anthropic's request diagnostics have no counterpart at another vendor",
        ["user_profile_id"] = "an Anthropic account setting; at Ciyuan the key decides",
        ["workspace_id"] = "an Anthropic account setting; at Ciyuan the key decides",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Fields that make the request untranslatable, each with the reason given in the 400.</summary>
    public static readonly FrozenDictionary<string, string> Refused = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["inference_geo"] = "where inference runs cannot be promised by another vendor; use a privacy policy (X-Ciyuan-Policy) to restrict where requests go",
        ["container"] = "code-execution containers exist only at Anthropic",
        ["mcp_servers"] = "the MCP connector runs only at Anthropic; connect MCP servers in the client instead",
        ["compaction"] = "server-side compaction runs only at Anthropic",
        ["fallbacks"] = "server-side fallback runs only at Anthropic; give the model several deployments in Ciyuan instead",
        ["fallback_credit_token"] = "server-side fallback runs only at Anthropic",
        ["thread"] = "message threads are stored only at Anthropic",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public const string UnknownReason = "Ciyuan does not know this field, so it cannot tell whether leaving it out would change the answer";

    /// <summary>The fate of a top-level field that is not <see cref="Mapped"/>.</summary>
    public static SourceField Of(string name) =>
        Dropped.TryGetValue(name, out var dropped) ? new SourceField(name, FieldFate.Dropped, dropped)
        : new SourceField(name, FieldFate.Refused, Refused.TryGetValue(name, out var refused) ? refused : UnknownReason);
}
