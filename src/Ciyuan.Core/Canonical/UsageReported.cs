using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Canonical;

/// <summary>Cumulative usage so far; a later report replaces an earlier one.</summary>
public sealed record UsageReported(TokenUsage Usage) : StreamEvent;
