namespace Ciyuan.Core.Canonical;

public enum FinishReason
{
    Stop,
    Length,
    ToolCalls,
    ContentFilter,
    StopSequence,

    /// <summary>
    /// The upstream gave up (DeepSeek <c>insufficient_system_resource</c>, GLM <c>network_error</c>):
    /// encoders turn this into an error rather than a clean stop.
    /// </summary>
    Error,
}
