using Ciyuan.Core.Metering;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// What an answer left to meter: the usage the upstream reported (null when it sent none), the
/// UTF-8 bytes of generated text that passed (for the estimate), and whether the answer was cut
/// for running past the request's limit.
/// </summary>
internal readonly record struct AnswerTally(TokenUsage? Reported, long GeneratedBytes, bool OutputCut = false)
{
    /// <summary>A request that failed before any answer: nothing was used.</summary>
    public static AnswerTally Nothing => new(default(TokenUsage), 0);
}
