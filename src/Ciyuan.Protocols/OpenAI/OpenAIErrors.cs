using System.Text.Json;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.OpenAI;

/// <summary>
/// OpenAI's error body, <c>{"error":{"message","type","param","code"}}</c>, the shape OpenAI SDKs
/// parse; when an upstream was involved, <c>provider</c> and the vendor's <c>provider_code</c> ride
/// along inside <c>error</c> (SDKs ignore members they do not know).
/// </summary>
public static class OpenAIErrors
{
    public static byte[] Body(string message, string type, string? code, string? param, string? provider, string? providerCode) =>
        JsonOutput.Write((message, type, code, param, provider, providerCode), static (json, e) =>
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", e.message);
            json.WriteString("type", e.type);
            WriteNullable(json, "param", e.param);
            WriteNullable(json, "code", e.code);
            if (e.provider is not null)
            {
                json.WriteString("provider", e.provider);
                WriteNullable(json, "provider_code", e.providerCode);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        });

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
