namespace Ciyuan.Core.Limits;

/// <summary>
/// The shared limit counters cannot be reached and the configuration says to refuse rather than
/// count locally (<c>storage.redis_unavailable: fail_closed</c>): the request is answered 503, nothing sent.
/// </summary>
public sealed class LimitsUnavailableException : Exception
{
    public LimitsUnavailableException()
    {
    }

    public LimitsUnavailableException(string message)
        : base(message)
    {
    }

    public LimitsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
