using System.Diagnostics.Metrics;
using System.Reflection;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>
/// The names under which Ciyuan publishes its telemetry: one <see cref="Meter"/> and one
/// <see cref="System.Diagnostics.ActivitySource"/>, both called <c>Ciyuan</c>. A host creates its own meter instance
/// (<see cref="CreateMeter"/>) so that two gateways in one process — tests do this — never read each
/// other's instruments.
/// </summary>
internal static class TelemetryNames
{
    public const string Meter = "Ciyuan";

    public const string ActivitySource = "Ciyuan";

    /// <summary>The build's version, carried by the meter and the spans' instrumentation scope.</summary>
    public static string Version { get; } =
        typeof(TelemetryNames).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static Meter CreateMeter() => new(new MeterOptions(Meter) { Version = Version });
}
