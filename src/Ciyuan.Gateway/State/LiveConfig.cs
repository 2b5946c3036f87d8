namespace Ciyuan.Gateway.State;

/// <summary>
/// The configuration generation new requests start on. Replaced whole by a reload (one volatile
/// write); readers take <see cref="Current"/> once and keep what they took.
/// </summary>
internal sealed class LiveConfig(GatewaySnapshot initial)
{
    private volatile GatewaySnapshot _current = initial;

    public GatewaySnapshot Current => _current;

    public void Replace(GatewaySnapshot next) => _current = next;
}
