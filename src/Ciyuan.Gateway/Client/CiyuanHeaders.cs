namespace Ciyuan.Gateway.Client;

/// <summary>Header names of the public contract.</summary>
internal static class CiyuanHeaders
{
    public const string RequestId = "X-Ciyuan-Request-Id";
    public const string Provider = "X-Ciyuan-Provider";
    public const string Deployment = "X-Ciyuan-Deployment";
    public const string Attempts = "X-Ciyuan-Attempts";
    public const string CostUsd = "X-Ciyuan-Cost-Usd";
    public const string Cost = "X-Ciyuan-Cost";
    public const string Currency = "X-Ciyuan-Currency";
    public const string Run = "X-Ciyuan-Run";
    public const string Policy = "X-Ciyuan-Policy";

    /// <summary>On a translated request: the client's fields left out for the target, by path (reasons in the README's table of fates).</summary>
    public const string DroppedFields = "X-Ciyuan-Dropped-Fields";
    public const string ApiKey = "x-api-key";
}
