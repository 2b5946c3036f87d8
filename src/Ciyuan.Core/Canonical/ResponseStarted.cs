using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Canonical;

/// <summary>The upstream accepted the request; <paramref name="InputUsage"/> is known up front only for some dialects.</summary>
public sealed record ResponseStarted(string Id, string Model, TokenUsage? InputUsage = null) : StreamEvent;
