namespace Ciyuan.Protocols.Canonical;

/// <summary>OpenAI carries inline images and files as <c>data:&lt;type&gt;;base64,&lt;data&gt;</c> URLs.</summary>
internal static class DataUri
{
    public static string Format(string? mediaType, string base64Data) => $"data:{mediaType};base64,{base64Data}";

    public static bool TryParse(string url, out string mediaType, out string base64Data)
    {
        mediaType = "";
        base64Data = "";
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return false;
        }

        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        mediaType = header[..^7].ToString();
        base64Data = url[(comma + 1)..];
        return true;
    }
}
