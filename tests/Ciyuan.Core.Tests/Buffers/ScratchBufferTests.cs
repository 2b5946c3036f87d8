using System.Buffers;
using Ciyuan.Core.Buffers;

namespace Ciyuan.Core.Tests.Buffers;

public sealed class ScratchBufferTests
{
    [Fact]
    public void Take_WhileTaken_GivesAnotherBuffer()
    {
        var outer = ScratchBuffer.Take();
        var inner = ScratchBuffer.Take();

        Assert.NotSame(outer, inner);
        ScratchBuffer.GiveBack(inner);
        ScratchBuffer.GiveBack(outer);
    }

    [Fact]
    public void Take_AfterGiveBack_ReusesTheBufferEmpty()
    {
        var first = ScratchBuffer.Take();
        first.Write("left over"u8);
        ScratchBuffer.GiveBack(first);

        var second = ScratchBuffer.Take();

        Assert.Same(first, second);
        Assert.Equal(0, second.WrittenCount);
        ScratchBuffer.GiveBack(second);
    }

    [Fact]
    public void GiveBack_BufferGrownPastTheLimit_IsNotKept()
    {
        var grown = ScratchBuffer.Take();
        grown.GetSpan(ScratchBuffer.LargestKept + 1);
        ScratchBuffer.GiveBack(grown);

        var next = ScratchBuffer.Take();

        Assert.NotSame(grown, next);
        ScratchBuffer.GiveBack(next);
    }
}
