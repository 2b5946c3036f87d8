using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ciyuan.Tokenizers.Chat;

/// <summary>
/// Re-serialises JSON the way Python's <c>json.dumps(x, ensure_ascii=False)</c> does (the <c>tojson</c> filter of
/// Hugging Face chat templates): <c>", "</c> and <c>": "</c> separators, key order kept, non-ASCII kept.
/// </summary>
internal static class PythonJson
{
    /// <summary>Parses <paramref name="json"/>; false when it is not valid JSON.</summary>
    public static bool TryParse(string json, out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(json);
            return true;
        }
        catch (JsonException)
        {
            document = null;
            return false;
        }
    }

    public static void Write(StringBuilder sb, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    WriteString(sb, property.Name);
                    sb.Append(": ");
                    Write(sb, property.Value);
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        sb.Append(", ");
                    }

                    firstItem = false;
                    Write(sb, item);
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(sb, element.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteNumber(sb, element.GetRawText());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }

    // Python keeps integers exactly and prints floats with repr(): shortest round-trip digits, positional
    // notation for exponents in [-4, 16), otherwise d.ddde+XX.
    private static void WriteNumber(StringBuilder sb, string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            sb.Append(raw);
            return;
        }

        var value = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            sb.Append(value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        if (value == 0)
        {
            sb.Append(double.IsNegative(value) ? "-0.0" : "0.0");
            return;
        }

        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e >= 0 ? r[..e] : r;
        var exponent = e >= 0 ? int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intDigits = point >= 0 ? point : mantissa.Length;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        exponent += intDigits - leading - 1;     // value = d.ddd x 10^exponent
        if (value < 0)
        {
            sb.Append('-');
        }

        if (exponent is >= -4 and < 16)
        {
            if (exponent >= 0)
            {
                var whole = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
                var fraction = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "0";
                sb.Append(whole).Append('.').Append(fraction);
            }
            else
            {
                sb.Append("0.").Append('0', -exponent - 1).Append(digits);
            }

            return;
        }

        sb.Append(digits[0]);
        if (digits.Length > 1)
        {
            sb.Append('.').Append(digits, 1, digits.Length - 1);
        }

        sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
    }
}
