using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Dashboard.Views;

/// <summary>The newest requests, read newest-first by the ledger's time index.</summary>
internal sealed class RequestsView(IUsageTimeline timeline, RecordJson records, KeyNames keyNames)
{
    public const int MaxLimit = 500;

    public async Task<byte[]> BuildAsync(int limit, CancellationToken cancellationToken)
    {
        var rows = await timeline.ReadNewestAsync(DateTimeOffset.UnixEpoch, Math.Clamp(limit, 1, MaxLimit), cancellationToken).ConfigureAwait(false);
        return await WriteAsync(rows, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> WriteAsync(IReadOnlyList<UsageRecord> rows, CancellationToken cancellationToken)
    {
        var names = await keyNames.LoadAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var row in rows)
            {
                records.Write(json, row, names);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
