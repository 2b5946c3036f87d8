namespace Ciyuan.Providers;

/// <summary>
/// A successful (2xx) upstream response whose body has not been read yet. Owns the response and
/// the deadline: the first-byte deadline applies until <see cref="MarkFirstByte"/>, then the total one.
/// </summary>
public sealed class UpstreamExchange : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _deadline;
    private readonly TimeSpan _total;
    private readonly long _startedAt;

    internal UpstreamExchange(HttpResponseMessage response, Stream body, CancellationTokenSource deadline, TimeSpan total, long startedAt)
    {
        _response = response;
        Body = body;
        _deadline = deadline;
        _total = total;
        _startedAt = startedAt;
    }

    public int StatusCode => (int)_response.StatusCode;

    public string? ContentType => _response.Content.Headers.ContentType?.ToString();

    public Stream Body { get; }

    /// <summary>Cancelled when a deadline passes or the caller's token is cancelled.</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>Switches from the first-byte deadline to what remains of the total deadline.</summary>
    public void MarkFirstByte()
    {
        var remaining = _total - System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt);
        _deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    /// <summary>Abandons the exchange: a read in progress or to come ends with <see cref="OperationCanceledException"/>.</summary>
    public void Cancel() => _deadline.Cancel();

    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _deadline.Dispose();
    }
}
