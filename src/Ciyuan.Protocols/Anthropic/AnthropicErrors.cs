using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Anthropic error bodies and the status ⇄ type table of Anthropic's API (docs/vendors.md).</summary>
public static class AnthropicErrors
{
    /// <summary>
    /// <c>{"type":"error","error":{"type":…,"message":…}}</c>. An empty <paramref name="type"/> is
    /// derived from <paramref name="status"/>; a foreign (OpenAI or vendor) type is mapped to the
    /// nearest Anthropic one so Anthropic SDKs classify it correctly.
    /// </summary>
    public static byte[] Body(int status, string type, string message) => Body(status, type, message, requestId: null);

    public static byte[] Body(int status, string? type, string message, string? requestId) =>
        Body(status, type, message, requestId, provider: null);

    /// <summary>
    /// The error body with, when an upstream was involved, Ciyuan's <c>code</c>, the <c>provider</c>
    /// and the vendor's <c>provider_code</c> inside <c>error</c> (Anthropic SDKs ignore members they do not know).
    /// </summary>
    public static byte[] Body(int status, string? type, string message, string? requestId, ProviderErrorFields? provider)
    {
        var errorType = string.IsNullOrEmpty(type) ? TypeForStatus(status) : NormalizeType(type);
        return JsonOutput.Write((errorType, message, requestId, provider), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", state.errorType);
            writer.WriteString("message", state.message);
            if (state.provider is { } fields)
            {
                writer.WriteString("code", fields.Code);
                writer.WriteString("provider", fields.Provider);
                if (fields.ProviderCode is { } providerCode)
                {
                    writer.WriteString("provider_code", providerCode);
                }
                else
                {
                    writer.WriteNull("provider_code");
                }
            }

            writer.WriteEndObject();
            if (state.requestId is { } id)
            {
                writer.WriteString("request_id", id);
            }

            writer.WriteEndObject();
        });
    }

    public static string TypeForStatus(int status) => status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    /// <summary>The status an Anthropic client should see for an upstream status (overloaded is 529, other 5xx are 500).</summary>
    public static int StatusFor(int upstreamStatus) => upstreamStatus switch
    {
        503 or 529 => 529,
        >= 500 => 500,
        _ => upstreamStatus,
    };

    /// <summary>Maps an error type or code from any dialect to an Anthropic error type.</summary>
    public static string NormalizeType(string type) => type switch
    {
        "invalid_request_error" or "authentication_error" or "billing_error" or "permission_error" or "not_found_error"
            or "request_too_large" or "rate_limit_error" or "api_error" or "overloaded_error" or "timeout_error" => type,
        "rate_limit_exceeded" or "rate_limit" => "rate_limit_error",
        "insufficient_quota" or "budget_exceeded" or "Arrearage" or "insufficient_balance" => "billing_error",
        "invalid_api_key" or "unauthorized" => "authentication_error",
        "model_not_found" => "not_found_error",
        "context_length_exceeded" or "content_filter" or "data_inspection_failed" or "bad_request" => "invalid_request_error",
        "engine_overloaded_error" or "server_overloaded" or "overloaded" => "overloaded_error",
        _ => "api_error",
    };
}
