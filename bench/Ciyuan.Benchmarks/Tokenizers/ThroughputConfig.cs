using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Ciyuan.Benchmarks.Tokenizers;

/// <summary>Adds MB/s and allocated-bytes-per-MB columns computed from the corpus size.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(new PerMegabyteColumn("MB/s", perSecond: true));
        AddColumn(new PerMegabyteColumn("Alloc B/MB", perSecond: false));
    }

    private sealed class PerMegabyteColumn(string name, bool perSecond) : IColumn
    {
        public string Id => "Ciyuan." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => perSecond ? "Corpus UTF-8 megabytes per second" : "Bytes allocated per corpus UTF-8 megabyte";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is null)
            {
                return "-";
            }

            var megabytes = TokenizerThroughputBenchmarks.CorpusMegabytes;
            if (perSecond)
            {
                return (megabytes / (report.ResultStatistics.Mean / 1e9)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
            }

            var allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return allocated is null ? "-" : (allocated.Value / megabytes).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
