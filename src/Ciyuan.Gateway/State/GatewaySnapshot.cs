using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Secrets;
using Ciyuan.Gateway.Routing;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Gateway.State;

/// <summary>
/// One generation of the configuration and everything derived from it: lookup tables, routing,
/// tokenizers, prices, the secrets to mask, the adapter that sends with them. A request takes the
/// current snapshot at intake and keeps it to the end, so a reload never changes the rules under a
/// request in flight; new requests take the new one.
/// </summary>
internal sealed class GatewaySnapshot
{
    private GatewaySnapshot(long generation, GatewayState state, GatewayRouting routing, TokenCounter tokens, CurrencyConverter currency, SecretRedactor redactor, IProviderAdapter adapter)
    {
        Generation = generation;
        State = state;
        Routing = routing;
        Tokens = tokens;
        PromptTokens = new PromptTokens(state, tokens);
        Currency = currency;
        Redactor = redactor;
        Adapter = adapter;
    }

    /// <summary>1 for the configuration the gateway started with, one more per applied reload.</summary>
    public long Generation { get; }

    public CiyuanConfig Config => State.Config;

    public GatewayState State { get; }

    public GatewayRouting Routing { get; }

    public TokenCounter Tokens { get; }

    public PromptTokens PromptTokens { get; }

    public CurrencyConverter Currency { get; }

    /// <summary>Masks every configured secret (provider keys, the master key) in what upstreams send back.</summary>
    public SecretRedactor Redactor { get; }

    public IProviderAdapter Adapter { get; }

    /// <summary>
    /// Derives a generation from a validated config. With <paramref name="previous"/>, deployments
    /// that still exist keep their live state (circuits, latency EWMAs, holds, in-flight calls) and
    /// providers whose keys did not change keep their key pools.
    /// </summary>
    /// <exception cref="ConfigException">A tokenizer file the config names cannot be loaded.</exception>
    public static GatewaySnapshot Build(CiyuanConfig config, string? masterKey, ProviderHttpClients clients, TimeProvider time, GatewaySnapshot? previous = null)
    {
        var state = new GatewayState(config, ModelCatalog.Builtin);
        var tokens = new TokenCounter(state);
        var currency = new CurrencyConverter(config.Routing.CnyToUsd);
        var routing = new GatewayRouting(state, currency, time, previous?.Routing);
        var redactor = SecretRedactor.FromConfig(config, masterKey);
        return new GatewaySnapshot((previous?.Generation ?? 0) + 1, state, routing, tokens, currency, redactor, new HttpProviderAdapter(clients, redactor));
    }
}
