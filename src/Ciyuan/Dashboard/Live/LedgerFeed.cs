using System.Threading.Channels;
using Ciyuan.Core.Metering;

namespace Ciyuan.Dashboard.Live;

/// <summary>
/// The usage ledger as the request path sees it, telling the dashboard of each record once it is
/// durable. The request path pays one channel write; the dashboard reads the channel on its own
/// task, so a slow browser never holds up a request. When nobody reads fast enough the oldest
/// notices are dropped — the figures come from the ledger's rollups, the feed only says "changed".
/// </summary>
internal sealed class LedgerFeed(IUsageLedger inner) : IUsageLedger
{
    private readonly Channel<UsageRecord> _committed = Channel.CreateBounded<UsageRecord>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Records in the order they became durable.</summary>
    public ChannelReader<UsageRecord> Committed => _committed.Reader;

    public ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        var pending = inner.RecordAsync(record, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            _committed.Writer.TryWrite(record);
            return default;
        }

        return AwaitAsync(pending, record);
    }

    private async ValueTask AwaitAsync(ValueTask pending, UsageRecord record)
    {
        await pending.ConfigureAwait(false);
        _committed.Writer.TryWrite(record);
    }
}
