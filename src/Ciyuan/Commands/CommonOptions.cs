using System.CommandLine;

namespace Ciyuan.Commands;

/// <summary>Options every command accepts.</summary>
internal static class CommonOptions
{
    public static Option<string?> Config { get; } = new("--config")
    {
        Description = "Config file (default: $CIYUAN_CONFIG, else ./ciyuan.yaml if present, else built-in defaults)",
        Recursive = true,
    };
}
