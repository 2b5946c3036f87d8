using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ciyuan.Tokenizers;
using MlTokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace Ciyuan.Benchmarks.Tokenizers;

/// <summary>
/// Single-thread throughput of Ciyuan's tokenizers against Microsoft.ML.Tokenizers on the same ~1 MB mixed
/// English / Chinese / code corpus, count-only and ids. See docs/tokenizers.md for the table.
/// Run: dotnet run -c Release --project bench/Ciyuan.Benchmarks -- --filter '*TokenizerThroughput*' --job short
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class TokenizerThroughputBenchmarks
{
    private string _corpus = "";
    private ITokenizer _ciyuan = null!;
    private MlTokenizer _peer = null!;

    [Params("qwen3", "deepseek_v3", "o200k", "cl100k")]
    public string Family { get; set; } = "";

    /// <summary>UTF-8 megabytes in the corpus (for the MB/s and bytes/MB columns).</summary>
    public static double CorpusMegabytes { get; } = Encoding.UTF8.GetByteCount(BenchmarkCorpus.Create()) / 1_000_000.0;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = BenchmarkCorpus.Create();
        _ciyuan = TokenizerRegistry.Shared.Get(Family);
        _peer = PeerTokenizers.Create(Family);
    }

    [Benchmark(Baseline = true, Description = "ML.Tokenizers count")]
    [BenchmarkCategory("count")]
    public int MlTokenizersCount() => _peer.CountTokens(_corpus);

    [Benchmark(Description = "Ciyuan count")]
    [BenchmarkCategory("count")]
    public int CiyuanCount() => _ciyuan.CountTokens(_corpus);

    [Benchmark(Baseline = true, Description = "ML.Tokenizers ids")]
    [BenchmarkCategory("ids")]
    public int MlTokenizersIds() => _peer.EncodeToIds(_corpus).Count;

    [Benchmark(Description = "Ciyuan ids")]
    [BenchmarkCategory("ids")]
    public int CiyuanIds() => _ciyuan.EncodeToIds(_corpus).Count;
}
