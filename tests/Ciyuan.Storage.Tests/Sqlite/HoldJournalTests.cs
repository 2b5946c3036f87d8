using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Storage.Tests.Sqlite;

public sealed class HoldJournalTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ciyuan-journal-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static BudgetHold Hold(string id, int lines = 1) => new()
    {
        RequestId = id,
        At = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000),
        Target = new ChargeTarget("key_1", "key_1", "research", "run|with|pipes", "m"),
        Provider = "local",
        Deployment = "local/m",
        WorstCaseUsd = new MicroUnits(1_234),
        Lines = [.. Enumerable.Range(0, lines).Select(i => new HeldLine($"line:{i}", DateTimeOffset.UnixEpoch, new MicroUnits(100 + i), "CNY"))],
    };

    [Fact]
    public void OpenHoldAtStop_IsLeftForTheNextStartWithItsAttempts()
    {
        using (var journal = new HoldJournal(_directory, "dead-one", flush: false))
        {
            journal.AppendHold(Hold("r1", lines: 2));
            journal.AppendHold(Hold("r2", lines: 0));
            journal.Settled("r2");
            journal.AppendAttempt("r1", 2, "other", "other/m", DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_500));
        }

        using var next = new HoldJournal(_directory, "next", flush: false);
        var file = Assert.Single(next.OrphanFiles());
        var (holds, attempts) = HoldJournal.Read(file);

        Assert.Equal(2, holds.Count);
        var r1 = holds[0];
        Assert.Equal("r1", r1.RequestId);
        Assert.Equal("run|with|pipes", r1.Target.RunId);
        Assert.Equal(new MicroUnits(1_234), r1.WorstCaseUsd);
        Assert.Equal([new HeldLine("line:0", DateTimeOffset.UnixEpoch, new MicroUnits(100), "CNY"), new HeldLine("line:1", DateTimeOffset.UnixEpoch, new MicroUnits(101), "CNY")], r1.Lines);
        Assert.Equal(("r1", 2, "other", "other/m"), (attempts[0].RequestId, attempts[0].Attempt, attempts[0].Provider, attempts[0].Deployment));
    }

    [Fact]
    public void HoldWithChineseNamesAndAnEmptyRun_ReadBackAsWritten()
    {
        var hold = Hold("r1") with { Target = new ChargeTarget("key_1", "key_1", "研发部", null, "通义千问-max"), Deployment = "百炼/qwen-max" };
        using (var journal = new HoldJournal(_directory, "dead-one", flush: false))
        {
            journal.AppendHold(hold);
            journal.AppendHold(Hold("r2"));
        }

        using var next = new HoldJournal(_directory, "next", flush: false);
        var (holds, _) = HoldJournal.Read(Assert.Single(next.OrphanFiles()));

        Assert.Equal(["r1", "r2"], holds.Select(h => h.RequestId));
        Assert.Equal(("研发部", null, "通义千问-max", "百炼/qwen-max"), (holds[0].Target.Project, holds[0].Target.RunId, holds[0].Target.Model, holds[0].Deployment));
    }

    [Fact]
    public void CleanStop_WithEverythingSettled_LeavesNoFile()
    {
        using (var journal = new HoldJournal(_directory, "tidy", flush: true))
        {
            journal.AppendHold(Hold("r1"));
            journal.Settled("r1");
        }

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void FullSegments_AreDeletedOnceEveryHoldInThemIsSettled()
    {
        using var journal = new HoldJournal(_directory, "busy", flush: false, segmentBytes: 200);
        for (var i = 0; i < 20; i++)
        {
            journal.AppendHold(Hold($"r{i}"));
        }

        var written = Directory.GetFiles(_directory).Length;
        for (var i = 0; i < 19; i++)
        {
            journal.Settled($"r{i}");
        }

        Assert.True(written > 5, $"expected several segments, got {written}");
        var left = Directory.GetFiles(_directory);
        Assert.Single(left);
        Assert.Contains("r19", HoldJournal.Read(left[0]).Holds.Select(h => h.RequestId));
    }

    [Fact]
    public void Read_LineCutShortByACrash_IsSkipped()
    {
        using (var journal = new HoldJournal(_directory, "cut", flush: false))
        {
            journal.AppendHold(Hold("whole"));
        }

        var file = Directory.GetFiles(_directory).Single();
        File.AppendAllText(file, "h\u001fhalf\u001f17900");

        Assert.Equal("whole", Assert.Single(HoldJournal.Read(file).Holds).RequestId);
    }
}
