namespace Ciyuan.Core.Canonical;

public enum ReasoningMode
{
    Enabled,
    Disabled,

    /// <summary>Anthropic <c>{"type":"adaptive"}</c>: the model decides how much to think.</summary>
    Adaptive,
}
