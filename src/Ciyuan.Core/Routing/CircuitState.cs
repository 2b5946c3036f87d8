namespace Ciyuan.Core.Routing;

/// <summary>A deployment's circuit: closed (normal), open (refusing), half-open (one trial call admitted).</summary>
public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}
