using Ciyuan.Benchmarks.HotPaths;

namespace Ciyuan.Gateway.Tests.Allocations;

/// <summary>Allocations per operation of the request's hot paths stay within <see cref="AllocationBudgets"/> (bytes, never time).</summary>
public sealed class HotPathAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void RequestScanAndPatch_StreamedChatRequest_StaysWithinBudget() =>
        AssertWithinBudget(new RequestScanAndPatch(), AllocationBudgets.RequestScanAndPatch, nameof(AllocationBudgets.RequestScanAndPatch));

    [Fact]
    public void StreamRelay_TwentyChunkStream_StaysWithinBudget() =>
        AssertWithinBudget(new StreamRelayPass(), AllocationBudgets.StreamRelay, nameof(AllocationBudgets.StreamRelay));

    [Fact]
    public void UsageRecordBuild_StreamedAnswer_StaysWithinBudget()
    {
        using var path = new UsageRecordBuild();
        AssertWithinBudget(path, AllocationBudgets.UsageRecordBuild, nameof(AllocationBudgets.UsageRecordBuild));
    }

    [Fact]
    public void BudgetHoldAndSettle_ThreeLines_StaysWithinBudget() =>
        AssertWithinBudget(new BudgetHoldAndSettle(), AllocationBudgets.BudgetHoldAndSettle, nameof(AllocationBudgets.BudgetHoldAndSettle));

    private void AssertWithinBudget(IHotPath path, long budget, string name)
    {
        var measured = AllocationMeter.BytesPerRun(path);

        output.WriteLine($"{name}: {measured} B per operation (budget {budget} B)");
        Assert.True(measured <= budget, $"{name} allocates {measured} B per operation, over its budget of {budget} B (AllocationBudgets.cs).");
    }
}
