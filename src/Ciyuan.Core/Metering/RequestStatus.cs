namespace Ciyuan.Core.Metering;

/// <summary>How a metered request ended; stored as text in the ledger.</summary>
public static class RequestStatus
{
    /// <summary>The upstream answered in full and the client received it.</summary>
    public const string Ok = "ok";

    /// <summary>The upstream refused or failed; nothing was generated for the client.</summary>
    public const string UpstreamError = "upstream_error";

    /// <summary>The upstream could not be reached or did not answer in time.</summary>
    public const string Unreachable = "upstream_unreachable";

    /// <summary>The client went away before the response ended; tokens seen so far are billed.</summary>
    public const string ClientDisconnected = "client_disconnected";

    /// <summary>The upstream stream broke or reported an error after it had started.</summary>
    public const string StreamFailed = "stream_failed";
}
