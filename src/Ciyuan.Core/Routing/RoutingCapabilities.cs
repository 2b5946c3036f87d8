namespace Ciyuan.Core.Routing;

/// <summary>Features a request may need from a deployment; the fit filter skips deployments that lack one.</summary>
[Flags]
public enum RoutingCapabilities
{
    None = 0,
    Tools = 1,
    Images = 2,
    Reasoning = 4,
    JsonMode = 8,

    /// <summary>Every capability: the default when nothing is known, so an unknown fact never excludes a deployment.</summary>
    All = Tools | Images | Reasoning | JsonMode,
}
