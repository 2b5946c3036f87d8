using BenchmarkDotNet.Running;

namespace Ciyuan.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (see README.md in this folder).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Across instances and the database's own counters: measured end to end, not per call.
        if (args.Length > 0 && args[0] == "hot-budget")
        {
            return await Storage.HotBudgetRun.RunAsync(args[1..]).ConfigureAwait(false);
        }

        // Inputs and the in-process reference for bench/tokenize/run.sh.
        if (args.Length > 2 && args[0] == "tokenize-corpus")
        {
            return Tokenizers.TokenizeCorpusFiles.Write(args[1..]);
        }

        if (args.Length > 2 && args[0] == "tokenize-library")
        {
            return Tokenizers.TokenizeCorpusFiles.TimeLibrary(args[1..]);
        }

        if (args.Length > 0 && args[0] == "budget-latency")
        {
            return await Storage.BudgetLatencyRun.RunAsync(args[1..]).ConfigureAwait(false);
        }

        if (args.Length > 0 && args[0] == "reports")
        {
            return await Storage.ReportsRun.RunAsync(args[1..]).ConfigureAwait(false);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
