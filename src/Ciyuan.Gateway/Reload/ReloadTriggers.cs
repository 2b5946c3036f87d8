namespace Ciyuan.Gateway.Reload;

/// <summary>What can ask for a reload, as reported in <see cref="ReloadOutcome.Trigger"/>.</summary>
internal static class ReloadTriggers
{
    public const string File = "file";
    public const string Signal = "signal";
    public const string Api = "api";
}
