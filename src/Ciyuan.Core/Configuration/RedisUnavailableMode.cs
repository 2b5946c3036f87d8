namespace Ciyuan.Core.Configuration;

/// <summary>What the gateway does with rate and concurrency limits while the shared Redis cannot be reached.</summary>
public enum RedisUnavailableMode
{
    /// <summary>Requests that a shared limit applies to are refused with 503 until Redis answers again (the default: no limit is exceeded).</summary>
    FailClosed,

    /// <summary>Each instance counts in its own memory until Redis answers again: service goes on, but N instances may admit up to N times a limit.</summary>
    FailOpenLocal,
}
