namespace Ciyuan.Gateway.Lifecycle;

/// <summary>
/// The gateway's way out. While serving, nothing; once a drain has begun, <c>/readyz</c> says so,
/// and when its deadline passes <see cref="Deadline"/> is cancelled: every answer still being
/// relayed then ends the way its client's dialect ends a failed stream, with a ledger line, rather
/// than being cut when the process exits.
/// </summary>
internal sealed class GatewayDrain : IDisposable
{
    private readonly CancellationTokenSource _deadline = new();
    private long _startedAtTicks;

    /// <summary>True from the first stop signal on.</summary>
    public bool IsDraining => Volatile.Read(ref _startedAtTicks) != 0;

    /// <summary>When the drain began; null while serving.</summary>
    public DateTimeOffset? StartedAt => Volatile.Read(ref _startedAtTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Cancelled when answers still in flight must end now.</summary>
    public CancellationToken Deadline => _deadline.Token;

    /// <summary>Starts the drain; false when it had already begun.</summary>
    public bool Begin(DateTimeOffset at) => Interlocked.CompareExchange(ref _startedAtTicks, at.UtcTicks, 0) == 0;

    /// <summary>Ends what is still in flight after <paramref name="timeout"/>.</summary>
    public void EndInFlightAfter(TimeSpan timeout) => _deadline.CancelAfter(timeout);

    /// <summary>Ends what is still in flight now.</summary>
    public void EndInFlightNow() => _deadline.Cancel();

    public void Dispose() => _deadline.Dispose();
}
