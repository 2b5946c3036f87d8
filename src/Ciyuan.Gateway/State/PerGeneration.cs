namespace Ciyuan.Gateway.State;

/// <summary>
/// A value derived from the current configuration generation (a page's catalog, a lookup table),
/// derived again only after a reload replaced the generation. Two readers racing after a reload may
/// both derive it; each gets a value of the generation it saw.
/// </summary>
internal sealed class PerGeneration<T>(LiveConfig live, Func<GatewaySnapshot, T> derive)
{
    private volatile Derived? _last;

    public T Value
    {
        get
        {
            var snapshot = live.Current;
            if (_last is { } last && ReferenceEquals(last.Source, snapshot))
            {
                return last.Value;
            }

            var made = new Derived(snapshot, derive(snapshot));
            _last = made;
            return made.Value;
        }
    }

    private sealed record Derived(GatewaySnapshot Source, T Value);
}
