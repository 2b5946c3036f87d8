using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Tests.Contracts;

/// <summary>The quarter-hour rollups: what the dashboard reads instead of the records, equal to them to the micro-unit.</summary>
public abstract class UsageSeriesContract : StorageContract
{
    [Fact]
    public async Task Series_SumsRecordsPerQuarterHourAndDeployment_AndCountsEachRequestOnce()
    {
        var store = await OpenAsync();
        var quarter = UsageSeriesRow.BucketOf(Now);
        await Task.WhenAll(
            store.Usage.RecordAsync(Record("r1", 100, at: quarter.AddMinutes(1)), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r2", 250, at: quarter.AddMinutes(14)), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r3", 0, status: RequestStatus.UpstreamError, at: quarter.AddMinutes(2)), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r4", 0, status: RequestStatus.ClientDisconnected, at: quarter.AddMinutes(3)), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r5", 700, currency: "CNY", at: quarter.AddMinutes(15)), CancellationToken.None).AsTask());
        await store.Usage.RecordAsync(Record("r1", 100, at: quarter.AddMinutes(1)), CancellationToken.None);

        var rows = await store.Timeline.ReadSeriesAsync(quarter, quarter.AddHours(1), CancellationToken.None);
        var none = await store.Timeline.ReadSeriesAsync(quarter.AddHours(1), quarter.AddHours(2), CancellationToken.None);

        Assert.Equal(2, rows.Count);
        var first = rows[0];
        Assert.Equal((quarter, "m", "local", "local/m", "self-hosted", "USD"), (first.Bucket, first.ModelAlias, first.Provider, first.Deployment, first.Jurisdiction, first.Currency));
        Assert.Equal((4L, 1L, 350L), (first.Requests, first.Errors, first.Cost.Value));
        Assert.Equal(new TokenUsage(40, 0, 0, 20, 0), first.Usage);
        Assert.Equal((quarter.AddMinutes(15), "CNY", 1L, 700L), (rows[1].Bucket, rows[1].Currency, rows[1].Requests, rows[1].Cost.Value));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Series_OutlivesRetention()
    {
        var store = await OpenAsync();
        await store.Usage.RecordAsync(Record("old", 123, at: Now.AddDays(-100)), CancellationToken.None);

        await store.ApplyRetentionAsync(Now.AddDays(-90), CancellationToken.None);
        var rows = await store.Timeline.ReadSeriesAsync(Now.AddDays(-101), Now, CancellationToken.None);

        Assert.Empty(await store.Reports.ListAsync(new UsageQuery(), CancellationToken.None));
        Assert.Equal(123L, Assert.Single(rows).Cost.Value);
    }

    [Fact]
    public async Task Newest_AndRun_AreReadNewestFirstWithinTheirBounds()
    {
        var store = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.Usage.RecordAsync(Record($"r{i}", i, run: i % 2 == 0 ? "even" : "odd", at: Now.AddMinutes(i)), CancellationToken.None);
        }

        var newest = await store.Timeline.ReadNewestAsync(Now.AddMinutes(1), 3, CancellationToken.None);
        var sinceLast = await store.Timeline.ReadNewestAsync(Now.AddMinutes(4), 10, CancellationToken.None);
        var even = await store.Timeline.ReadRunAsync("even", 10, CancellationToken.None);

        Assert.Equal(["r4", "r3", "r2"], newest.Select(r => r.RequestId));
        Assert.Equal(["r4"], sinceLast.Select(r => r.RequestId));
        Assert.Equal(["r4", "r2", "r0"], even.Select(r => r.RequestId));
        Assert.Equal(Record("r2", 2, run: "even", at: Now.AddMinutes(2)), even[1]);
    }
}
