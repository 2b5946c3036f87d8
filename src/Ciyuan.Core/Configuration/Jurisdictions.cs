namespace Ciyuan.Core.Configuration;

/// <summary>Well-known jurisdiction codes; hosted vendors use ISO-like region codes (cn, sg, us, ...).</summary>
public static class Jurisdictions
{
    public const string SelfHosted = "self-hosted";
    public const string Unknown = "unknown";
}
