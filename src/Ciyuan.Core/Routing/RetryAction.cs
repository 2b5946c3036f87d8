namespace Ciyuan.Core.Routing;

/// <summary>What to do after a failed attempt.</summary>
public enum RetryAction
{
    /// <summary>Try the next ranked deployment now.</summary>
    NextCandidate,

    /// <summary>Wait <see cref="RetryDecision.Delay"/>, then try the same deployment (no other is left).</summary>
    SameAfterDelay,

    /// <summary>Give up and return the failure to the client.</summary>
    Stop,
}
