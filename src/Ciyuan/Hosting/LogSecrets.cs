using Ciyuan.Core.Secrets;
using Ciyuan.Gateway.State;

namespace Ciyuan.Hosting;

/// <summary>
/// The secrets the log masks: those of the configuration generation serving now (a reload may add
/// provider keys), or, before the gateway's services exist, those of the configuration it starts with.
/// </summary>
internal sealed class LogSecrets(SecretRedactor initial)
{
    private volatile LiveConfig? _live;

    public SecretRedactor Current => _live?.Current.Redactor ?? initial;

    /// <summary>From now on, mask what the current generation names.</summary>
    public void Follow(LiveConfig live) => _live = live;
}
