namespace Ciyuan.Protocols.Requests;

/// <summary>
/// Why a request body was refused before anything was routed: a sentence for the client, a stable
/// code, and the field at fault when there is one.
/// </summary>
public sealed record RequestScanError(string Message, string Code, string? Param = null)
{
    public const string InvalidJson = "invalid_json";
    public const string DuplicateKey = "duplicate_key";
    public const string InvalidValue = "invalid_value";
    public const string InvalidEncoding = "invalid_encoding";
}
