using System.Threading.Channels;

namespace Ciyuan.Tokenizers.Streaming;

/// <summary>
/// Counts or encodes a UTF-8 stream of any length: it is read and decoded in blocks on a thread of its own,
/// cut into chunks where the tokenizer allows (<see cref="ITokenizer.LastSafeCut"/>), and the chunks are
/// tokenized in parallel with no string made of the whole. The result is exactly that of one call on the whole
/// text (the stream decoded as UTF-8); input the tokenizer cannot cut is tokenized as one chunk.
/// </summary>
public static class StreamTokenizer
{
    /// <summary>Counts the tokens of <paramref name="utf8"/>.</summary>
    /// <param name="utf8">The text, UTF-8 encoded; read to its end, not disposed.</param>
    /// <param name="tokenizer">The tokenizer, possibly still loading: the input is read and decoded meanwhile.</param>
    /// <param name="options">Block size, read-ahead and parallelism (defaults when null).</param>
    /// <param name="cancellationToken">Stops reading and tokenizing.</param>
    public static async Task<long> CountAsync(Stream utf8, Task<ITokenizer> tokenizer, StreamTokenizerOptions? options, CancellationToken cancellationToken)
    {
        long total = 0;
        await RunAsync(utf8, tokenizer, options, static (t, chunk) => t.CountTokens(chunk.Text), count =>
        {
            total += count;
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>Encodes <paramref name="utf8"/>, handing the ids to <paramref name="onIds"/> chunk by chunk, in order.</summary>
    /// <param name="utf8">The text, UTF-8 encoded; read to its end, not disposed.</param>
    /// <param name="tokenizer">The tokenizer, possibly still loading: the input is read and decoded meanwhile.</param>
    /// <param name="onIds">Receives the ids of each chunk in input order, one call at a time; the list is not used afterwards.</param>
    /// <param name="options">Block size, read-ahead and parallelism (defaults when null).</param>
    /// <param name="cancellationToken">Stops reading and tokenizing.</param>
    /// <exception cref="NotSupportedException">The tokenizer is an estimate (<see cref="ITokenizer.IsExact"/> is false).</exception>
    public static Task EncodeAsync(
        Stream utf8, Task<ITokenizer> tokenizer, Func<List<int>, CancellationToken, ValueTask> onIds, StreamTokenizerOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onIds);
        return RunAsync(utf8, tokenizer, options, static (t, chunk) =>
        {
            var ids = new List<int>((chunk.Length / 3) + 16);
            t.AppendIds(chunk.Text, ids);
            return ids;
        }, ids => onIds(ids, cancellationToken), cancellationToken);
    }

    // Reader thread → chunker → one task per chunk, results taken in input order. The bounded queues keep the
    // blocks read ahead and the chunks in work (Parallelism and two more) few, and so memory bounded whatever
    // the input's length.
    private static async Task RunAsync<TResult>(
        Stream utf8,
        Task<ITokenizer> tokenizer,
        StreamTokenizerOptions? options,
        Func<ITokenizer, TextChunk, TResult> work,
        Func<TResult, ValueTask> take,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new StreamTokenizerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BlockBytes, 4, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReadAheadBlocks, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallelism, 1, nameof(options));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var blocks = Channel.CreateBounded<TextChunk>(new BoundedChannelOptions(options.ReadAheadBlocks) { SingleReader = true, SingleWriter = true });
        var results = Channel.CreateBounded<Task<TResult>>(new BoundedChannelOptions(options.Parallelism) { SingleReader = true, SingleWriter = true });

        // Reads block (stdin, pipes), so it gets its own thread rather than one the workers need.
        _ = Task.Factory.StartNew(
            () => Utf8BlockReader.Run(utf8, options.BlockBytes, blocks.Writer, stop.Token),
            stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var producer = ProduceAsync(tokenizer, blocks.Reader, results.Writer, work, stop.Token);
        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                await take(await result.ConfigureAwait(false)).ConfigureAwait(false);
            }

            await producer.ConfigureAwait(false);
        }
        finally
        {
            // On failure the producer stops at once; the reader stops at its next block (a read already waiting
            // on a pipe cannot be cancelled, so it is not waited for — it owns nothing the caller needs).
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    private static async Task ProduceAsync<TResult>(
        Task<ITokenizer> tokenizerTask,
        ChannelReader<TextChunk> blocks,
        ChannelWriter<Task<TResult>> results,
        Func<ITokenizer, TextChunk, TResult> work,
        CancellationToken cancellationToken)
    {
        try
        {
            var tokenizer = await tokenizerTask.ConfigureAwait(false);
            await foreach (var chunk in SafeCutChunker.ChunksAsync(tokenizer, blocks, cancellationToken).ConfigureAwait(false))
            {
                var task = Task.Run(() =>
                {
                    try
                    {
                        return work(tokenizer, chunk);
                    }
                    finally
                    {
                        chunk.Return();
                    }
                }, cancellationToken);
                await results.WriteAsync(task, cancellationToken).ConfigureAwait(false);
            }

            results.TryComplete();
        }
        catch (Exception ex)
        {
            // The consumer sees the failure (a read error, a tokenizer that failed to load) where it reads results.
            results.TryComplete(ex);
        }
    }
}
