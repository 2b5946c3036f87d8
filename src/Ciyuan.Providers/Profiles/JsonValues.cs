using System.Globalization;
using System.Text;
using System.Text.Json;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Providers.Profiles;

/// <summary>Reads small scalar values straight from raw JSON bytes.</summary>
internal static class JsonValues
{
    public static bool TryGetNumber(ReadOnlySpan<byte> raw, out double value) =>
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>The decoded string, or null when the value is not a JSON string.</summary>
    public static string? GetString(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 2 || raw[0] != (byte)'"')
        {
            return null;
        }

        var reader = new Utf8JsonReader(raw);
        return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    public static bool IsTrue(ReadOnlySpan<byte> raw) => raw.SequenceEqual("true"u8);

    public static bool IsFalse(ReadOnlySpan<byte> raw) => raw.SequenceEqual("false"u8);

    /// <summary>A JSON string literal for <paramref name="text"/>, quotes included.</summary>
    public static byte[] StringLiteral(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 8);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            writer.WriteStringValue(text);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string Describe(ReadOnlySpan<byte> raw) => Encoding.UTF8.GetString(raw.Length > 80 ? raw[..80] : raw);
}
