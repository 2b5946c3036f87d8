namespace Ciyuan.Core.Canonical;

/// <summary>What translation into the other dialect does with a source field the canonical model does not carry.</summary>
public enum FieldFate
{
    /// <summary>Left out, for a stated reason (it has no effect there, or the upstream does it by itself).</summary>
    Dropped,

    /// <summary>The request is refused with a 400 naming the field: leaving it out would change the answer.</summary>
    Refused,
}
