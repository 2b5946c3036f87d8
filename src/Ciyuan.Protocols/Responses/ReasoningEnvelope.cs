using System.Text.Json;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// Reasoning that must come back exactly as it was — an Anthropic thinking block's text and
/// signature, or its redacted data — sealed into a Responses reasoning item's
/// <c>encrypted_content</c>, which Responses clients (Codex) return untouched on the next turn. The
/// envelope is Ciyuan's own (<c>ciyuan.v1:</c> + base64url JSON); another server's encrypted
/// reasoning is not opened, and a native Responses endpoint never receives Ciyuan's.
/// </summary>
public static class ReasoningEnvelope
{
    public const string Prefix = "ciyuan.v1:";

    public static bool IsSealed(string? content) => content is not null && content.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Seal(string? text, string? signature, string? redactedData)
    {
        var json = JsonOutput.Write((text, signature, redactedData), static (writer, state) =>
        {
            writer.WriteStartObject();
            if (state.text is { } t)
            {
                writer.WriteString("text", t);
            }

            if (state.signature is { } s)
            {
                writer.WriteString("signature", s);
            }

            if (state.redactedData is { } r)
            {
                writer.WriteString("redacted", r);
            }

            writer.WriteEndObject();
        });
        return Prefix + Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The sealed reasoning, or null when <paramref name="content"/> is absent, another server's, or damaged.</summary>
    public static Sealed? Open(string? content)
    {
        if (!IsSealed(content))
        {
            return null;
        }

        var text = content![Prefix.Length..].Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(text));
            var root = document.RootElement;
            return new Sealed(Read(root, "text"), Read(root, "signature"), Read(root, "redacted"));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? Read(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>What an envelope held.</summary>
    public sealed record Sealed(string? Text, string? Signature, string? RedactedData);
}
