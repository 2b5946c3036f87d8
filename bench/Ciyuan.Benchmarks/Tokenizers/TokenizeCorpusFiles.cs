using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Ciyuan.Tokenizers;

namespace Ciyuan.Benchmarks.Tokenizers;

/// <summary>
/// Inputs and an in-process reference for bench/tokenize/run.sh, which times the <c>ciyuan tokenize</c> command:
/// <list type="bullet">
/// <item><c>tokenize-corpus DIR MB</c> writes <c>mixed.txt</c> (the benchmark corpus — English, Chinese and
/// code — one ~1 MB block per seed) and <c>generated.txt</c> (the tokenizer tests' generated corpus and
/// reference vectors, repeated: rare scripts and characters, the hard case), each MB × 1,048,576 bytes, cut
/// at a character boundary;</item>
/// <item><c>tokenize-library FILE FAMILY...</c> prints the count and MB/s of one in-process call on the whole
/// file per family (best of three), the single-thread figure the command is compared with.</item>
/// </list>
/// </summary>
internal static class TokenizeCorpusFiles
{
    private const string TestData = "tests/Ciyuan.Tokenizers.Tests/TestData";

    public static int Write(string[] args)
    {
        var directory = args[0];
        var bytes = int.Parse(args[1], CultureInfo.InvariantCulture) << 20;
        Directory.CreateDirectory(directory);
        var seed = 20261123;
        WriteFile(Path.Combine(directory, "mixed.txt"), bytes, () => BenchmarkCorpus.Create(seed++));
        var generated = GeneratedTexts(FindRepository());
        var next = 0;
        WriteFile(Path.Combine(directory, "generated.txt"), bytes, () => generated[next++ % generated.Count] + "\n");
        return 0;
    }

    public static int TimeLibrary(string[] args)
    {
        var bytes = File.ReadAllBytes(args[0]);
        var text = Encoding.UTF8.GetString(bytes);
        foreach (var family in args[1..])
        {
            var tokenizer = TokenizerRegistry.Shared.Get(family);
            var best = double.MaxValue;
            var count = 0;
            for (var round = 0; round < 3; round++)
            {
                var started = Stopwatch.GetTimestamp();
                count = tokenizer.CountTokens(text);
                best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{family} {count} {bytes.Length / (double)(1 << 20) / best:F1}"));
        }

        return 0;
    }

    private static void WriteFile(string path, int bytes, Func<string> next)
    {
        using var file = File.Create(path);
        var written = 0;
        while (written < bytes)
        {
            var block = Encoding.UTF8.GetBytes(next());
            var take = Math.Min(block.Length, bytes - written);
            while (take < block.Length && take > 0 && (block[take] & 0xC0) == 0x80)
            {
                take--;     // never end inside a character
            }

            file.Write(block, 0, take);
            written += take;
            if (take < block.Length)
            {
                break;
            }
        }
    }

    // The well-formed documents of the differential corpus, then the reference vectors' texts.
    private static List<string> GeneratedTexts(string repository)
    {
        var texts = new List<string>();
        using (var reader = new StreamReader(new BrotliStream(File.OpenRead(Path.Combine(repository, TestData, "differential.jsonl.br")), CompressionMode.Decompress)))
        {
            while (reader.ReadLine() is { Length: > 0 } line)
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("t", out var text))
                {
                    texts.Add(text.GetString()!);
                }
            }
        }

        foreach (var line in File.ReadLines(Path.Combine(repository, TestData, "vectors.jsonl")).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            texts.Add(document.RootElement.GetProperty("text").GetString()!);
        }

        return texts;
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ciyuan.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (Ciyuan.slnx not found above the program).");
    }
}
