using BenchmarkDotNet.Running;

namespace Ciyuan.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (see README.md in this folder).</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
