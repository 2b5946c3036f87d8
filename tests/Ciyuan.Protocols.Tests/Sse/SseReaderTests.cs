using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Ciyuan.Protocols.Sse;
using Ciyuan.Testing.Files;

namespace Ciyuan.Protocols.Tests.Sse;

public sealed class SseReaderTests
{
    private const string Folder = "Protocols/Sse";

    /// <summary>(max bytes per read, seed) pairs: one byte at a time, small odd sizes, and everything at once.</summary>
    private static readonly (int MaxChunk, int Seed)[] Chunkings =
    [
        (1, 1), (2, 2), (3, 3), (5, 4), (7, 5), (13, 6), (64, 7), (1 << 20, 8),
    ];

    public static TheoryData<string> GoldenCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in GoldenFile.CaseNames(Folder, ".sse"))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public async Task ReadAsync_GoldenStream_YieldsExpectedFramesAtEveryReadBoundary(string name)
    {
        var input = GoldenFile.ReadBytes($"{Folder}/{name}.sse");
        var expected = ReadExpected($"{Folder}/{name}.frames.json");

        foreach (var (maxChunk, seed) in Chunkings)
        {
            var (frames, endedMidEvent) = await ReadAllAsync(new ChunkedStream(input, maxChunk, seed));

            var context = $"{name} with reads of at most {maxChunk} bytes";
            Assert.True(expected.Frames.Count == frames.Count, $"{context}: expected {expected.Frames.Count} frames, got {frames.Count}");
            for (var i = 0; i < frames.Count; i++)
            {
                Assert.Equal(expected.Frames[i].Kind, frames[i].Kind);
                Assert.Equal(expected.Frames[i].Event, frames[i].Event);
                Assert.Equal(Encoding.UTF8.GetBytes(expected.Frames[i].Data), frames[i].Data);
            }

            Assert.True(expected.EndedMidEvent == endedMidEvent, $"{context}: EndedMidEvent should be {expected.EndedMidEvent}");
        }
    }

    [Fact]
    public async Task ReadAsync_LargeFramesAcrossBufferSegments_AreByteExact()
    {
        // Frames far larger than the reader's 16 KiB buffer and its 4 KiB frame buffer, with CRLF
        // and LF endings mixed, so lines and the "data:" prefix straddle segment boundaries.
        var random = new Random(4242);
        var expected = new List<byte[]>();
        var input = new MemoryStream();
        for (var i = 0; i < 40; i++)
        {
            var size = i % 5 == 0 ? random.Next(16_000, 70_000) : random.Next(0, 300);
            var payload = new byte[size];
            for (var j = 0; j < size; j++)
            {
                payload[j] = (byte)random.Next('!', '~' + 1);
            }

            expected.Add(payload);
            var newline = i % 2 == 0 ? "\n"u8.ToArray() : "\r\n"u8.ToArray();
            input.Write("data: "u8);
            input.Write(payload);
            input.Write(newline);
            input.Write(newline);
        }

        foreach (var maxChunk in new[] { 1_000, 4_095, 16_385, 100_000 })
        {
            var (frames, endedMidEvent) = await ReadAllAsync(new ChunkedStream(input.ToArray(), maxChunk, maxChunk));

            Assert.Equal(expected.Count, frames.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(frames[i].Data), $"frame {i} differs with reads of at most {maxChunk} bytes");
            }

            Assert.False(endedMidEvent);
        }
    }

    [Fact]
    public async Task ReadAsync_AfterEnd_KeepsReturningFalse()
    {
        await using var reader = new SseReader(new MemoryStream("data: x\n\n"u8.ToArray()));

        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.False(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.False(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.False(reader.EndedMidEvent);
    }

    [Fact]
    public async Task ReadAsync_BlankLineAfterEventWithoutData_DoesNotLeakEventName()
    {
        // An event: line closed by a blank line without data is an empty event; per the SSE spec its
        // type is discarded and the next event starts with no name.
        await using var reader = new SseReader(new MemoryStream("event: foo\n\ndata: x\n\n"u8.ToArray()));

        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal("x"u8.ToArray(), reader.Data.ToArray());
        Assert.Null(reader.EventName);
    }

    [Fact]
    public async Task TryReadBuffered_FramesArrivedTogether_ReturnsThemWithoutWaiting()
    {
        await using var reader = new SseReader(new MemoryStream("data: a\n\n: ka\n\ndata: b\n\n"u8.ToArray()));
        var token = TestContext.Current.CancellationToken;

        Assert.True(await reader.ReadAsync(token));
        Assert.Equal("a"u8.ToArray(), reader.Data.ToArray());

        Assert.True(reader.TryReadBuffered());
        Assert.Equal(SseFrameKind.Comment, reader.Kind);
        Assert.Equal(" ka"u8.ToArray(), reader.Data.ToArray());

        Assert.True(reader.TryReadBuffered());
        Assert.Equal(SseFrameKind.Data, reader.Kind);
        Assert.Equal("b"u8.ToArray(), reader.Data.ToArray());

        Assert.False(reader.TryReadBuffered());
        Assert.False(await reader.ReadAsync(token));
    }

    [Fact]
    public async Task TryReadBuffered_HalfFrameBuffered_ContinuesFrameOnNextRead()
    {
        var pipe = new Pipe();
        var token = TestContext.Current.CancellationToken;
        await using var reader = new SseReader(pipe.Reader.AsStream());

        await pipe.Writer.WriteAsync("event: e\ndata: a\n\nevent: f\ndata: b1\n"u8.ToArray(), token);
        Assert.True(await reader.ReadAsync(token));
        Assert.Equal("a"u8.ToArray(), reader.Data.ToArray());
        Assert.Equal("e", reader.EventName);

        Assert.False(reader.TryReadBuffered());

        await pipe.Writer.WriteAsync("data: b2\n\n"u8.ToArray(), token);
        await pipe.Writer.CompleteAsync();
        Assert.True(await reader.ReadAsync(token));
        Assert.Equal("b1\nb2"u8.ToArray(), reader.Data.ToArray());
        Assert.Equal("f", reader.EventName);
        Assert.False(await reader.ReadAsync(token));
        Assert.False(reader.EndedMidEvent);
    }

    [Fact]
    public async Task TryReadBuffered_StreamEndedMidEvent_DeliversTail()
    {
        await using var reader = new SseReader(new MemoryStream("data: a\n\ndata: tail"u8.ToArray()));
        var token = TestContext.Current.CancellationToken;

        Assert.True(await reader.ReadAsync(token));
        Assert.True(await reader.ReadAsync(token));
        Assert.Equal("tail"u8.ToArray(), reader.Data.ToArray());
        Assert.True(reader.EndedMidEvent);
        Assert.False(reader.TryReadBuffered());
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Throws()
    {
        var pipe = new Pipe();
        await using var reader = new SseReader(pipe.Reader.AsStream());
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(cancellation.Token));
    }

    private static async Task<(List<Frame> Frames, bool EndedMidEvent)> ReadAllAsync(Stream stream)
    {
        var frames = new List<Frame>();
        await using var reader = new SseReader(stream);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            frames.Add(new Frame(reader.Kind, reader.EventName, reader.Data.ToArray()));
        }

        return (frames, reader.EndedMidEvent);
    }

    private static Expected ReadExpected(string relative)
    {
        using var document = JsonDocument.Parse(GoldenFile.ReadBytes(relative));
        var root = document.RootElement;
        var frames = root.GetProperty("frames").EnumerateArray()
            .Select(frame => new ExpectedFrame(
                Enum.Parse<SseFrameKind>(frame.GetProperty("kind").GetString()!),
                frame.GetProperty("event").GetString(),
                frame.GetProperty("data").GetString()!))
            .ToList();
        return new Expected(frames, root.GetProperty("endedMidEvent").GetBoolean());
    }

    private sealed record Frame(SseFrameKind Kind, string? Event, byte[] Data);

    private sealed record ExpectedFrame(SseFrameKind Kind, string? Event, string Data);

    private sealed record Expected(List<ExpectedFrame> Frames, bool EndedMidEvent);
}
