using System.Buffers;
using System.Buffers.Text;
using System.CommandLine;
using Ciyuan.Core.Catalog;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;
using Ciyuan.Tokenizers;
using Ciyuan.Tokenizers.Streaming;

namespace Ciyuan.Commands;

/// <summary>
/// <c>ciyuan tokenize --model NAME [--ids] [FILE]</c>: counts (or lists the ids of) a UTF-8 file or standard
/// input. The input is streamed in chunks tokenized on every core while the tokenizer loads, so a large file
/// costs about its tokenizing time, never a copy of it as one string.
/// </summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A configured model (its deployment's tokenizer family is used) or a family name such as qwen3", Required = true };
        var ids = new Option<bool>("--ids") { Description = "Print the token ids, one per line" };
        var file = new Argument<string?>("FILE") { Description = "The text to tokenize, UTF-8 (default, or '-': standard input)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("tokenize", "Count the tokens of a file or standard input with a model's exact tokenizer") { model, ids, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            var name = parse.GetValue(model)!;
            var path = parse.GetValue(file) is { } given && given != "-" ? given : null;
            Stream input;
            try
            {
                input = path is null
                    ? Console.OpenStandardInput()
                    : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"ciyuan: cannot read '{path}': {ex.Message}").ConfigureAwait(false);
                return 66;
            }

            await using (input.ConfigureAwait(false))
            {
                // The config and the tokenizer load on another core while the input is read and decoded.
                var tokenizer = Task.Run(() => Resolve(paths, name), cancellationToken);
                return parse.GetValue(ids)
                    ? await PrintIdsAsync(input, tokenizer, name, cancellationToken).ConfigureAwait(false)
                    : await PrintCountAsync(input, tokenizer, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    // A configured model's deployment decides the family; any other name is a family. The catalog is read only
    // when the config is, or when a model of that name needs it.
    private static ITokenizer Resolve(CiyuanPaths paths, string name)
    {
        var config = CiyuanConfigSource.Load(paths);
        if (config.Tokenizers.Count == 0 && !config.Models.Any(m => m.Name == name))
        {
            return TokenizerRegistry.Shared.Get(name);
        }

        var state = new GatewayState(config, ModelCatalog.Builtin);
        var counter = new TokenCounter(state);
        return state.Aliases.TryGetValue(name, out var alias) ? counter.For(alias) : counter.ForFamily(name);
    }

    private static async Task<int> PrintCountAsync(Stream input, Task<ITokenizer> tokenizer, CancellationToken cancellationToken)
    {
        var count = await StreamTokenizer.CountAsync(input, tokenizer, options: null, cancellationToken).ConfigureAwait(false);
        var used = await tokenizer.ConfigureAwait(false);
        Console.WriteLine(count);
        await Console.Error.WriteLineAsync(used.IsExact
            ? $"{count} tokens ({used.Family}, exact)"
            : $"{count} tokens (ESTIMATE: no tokenizer file for family '{used.Family}')").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> PrintIdsAsync(Stream input, Task<ITokenizer> tokenizer, string name, CancellationToken cancellationToken)
    {
        var exact = await tokenizer.ConfigureAwait(false);
        if (!exact.IsExact)
        {
            await Console.Error.WriteLineAsync($"'{name}' has no exact tokenizer (family '{exact.Family}'); ids are unavailable. Supply its file under tokenizers: in ciyuan.yaml.").ConfigureAwait(false);
            return 1;
        }

        await using var output = Console.OpenStandardOutput();
        await StreamTokenizer.EncodeAsync(input, tokenizer, (chunk, ct) => WriteIdsAsync(output, chunk, ct), options: null, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // One write per chunk: each id in decimal and a line feed, formatted straight into bytes.
    private static async ValueTask WriteIdsAsync(Stream output, List<int> ids, CancellationToken cancellationToken)
    {
        const int MaxLineBytes = 12;   // "-2147483648\n"
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, ids.Count * MaxLineBytes));
        try
        {
            var length = 0;
            foreach (var id in ids)
            {
                Utf8Formatter.TryFormat(id, buffer.AsSpan(length), out var written);
                length += written;
                buffer[length++] = (byte)'\n';
            }

            await output.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
