using System.Text.Json;

namespace Ciyuan.Core.Canonical;

/// <summary>OpenAI <c>response_format</c>; <paramref name="JsonSchema"/> is the verbatim <c>json_schema</c> object.</summary>
public sealed record ResponseFormat(ResponseFormatKind Kind, JsonElement? JsonSchema = null);
