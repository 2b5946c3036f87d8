using BenchmarkDotNet.Attributes;
using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Benchmarks.Pipeline;

/// <summary>
/// One request id, made once per request: the gateway's UUIDv7 from buffered random bytes against
/// <see cref="Guid.CreateVersion7()"/>, which reads the system's random source once per id.
/// </summary>
[MemoryDiagnoser]
public class RequestIdBenchmarks
{
    [Benchmark(Baseline = true)]
    public string GuidCreateVersion7() => string.Create(36, Guid.CreateVersion7(), static (span, guid) =>
    {
        "req_".CopyTo(span);
        guid.TryFormat(span[4..], out _, "N");
    });

    [Benchmark]
    public string RequestIdsNew() => RequestIds.New();
}
