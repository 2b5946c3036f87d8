using System.Diagnostics.Metrics;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.State;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>
/// What the gateway holds right now, read when metrics are collected: each deployment's circuit and
/// calls in flight (from the live states of the current generation's routing table, which a reload
/// replaces: the gauges follow it, and deployments a reload removed drop out), each budget line's limit, held and spent
/// amounts, and the holds in doubt. Budget figures live in the store, so they are read asynchronously
/// by <see cref="RefreshAsync"/> just before a scrape collects them; nothing is read between scrapes.
/// </summary>
internal sealed class GatewayGauges
{
    public const string CircuitState = "ciyuan.deployment.circuit_state";
    public const string InFlight = "ciyuan.deployment.in_flight";
    public const string BudgetLimit = "ciyuan.budget.limit";
    public const string BudgetHeld = "ciyuan.budget.held";
    public const string BudgetSpent = "ciyuan.budget.spent";
    public const string InDoubt = "ciyuan.budget.in_doubt";

    private static readonly (CircuitState State, string Name)[] States =
        [(Core.Routing.CircuitState.Closed, "closed"), (Core.Routing.CircuitState.Open, "open"), (Core.Routing.CircuitState.HalfOpen, "half_open")];

    private readonly LiveConfig _live;
    private readonly BudgetLines _lines;
    private readonly IBudgetLedger _ledger;
    private readonly TimeProvider _time;
    private volatile IReadOnlyList<BudgetStatus> _budgets = [];
    private long _inDoubt;

    public GatewayGauges(Meter meter, LiveConfig live, BudgetLines lines, IBudgetLedger ledger, TimeProvider time)
    {
        _live = live;
        _lines = lines;
        _ledger = ledger;
        _time = time;
        meter.CreateObservableGauge(CircuitState, ObserveCircuits, "{state}",
            "1 for each deployment endpoint's current circuit state (closed, open, half_open), 0 for the others.");
        meter.CreateObservableGauge(InFlight, ObserveInFlight, "{call}", "Upstream calls in flight per deployment.");
        meter.CreateObservableGauge(BudgetLimit, () => ObserveBudgets(static s => s.Line.Limit.Value), "{microunit}", "Each budget line's limit, in millionths of its currency.");
        meter.CreateObservableGauge(BudgetHeld, () => ObserveBudgets(static s => s.Held.Value), "{microunit}",
            "Worst cases held on each budget line by requests in flight (and holds in doubt), in its current window.");
        meter.CreateObservableGauge(BudgetSpent, () => ObserveBudgets(static s => s.Spent.Value), "{microunit}", "What each budget line has spent in its current window.");
        meter.CreateObservableGauge(InDoubt, () => Interlocked.Read(ref _inDoubt), "{hold}",
            "Holds of requests in flight when an instance died, not yet released by an operator.");
    }

    /// <summary>Reads the budget lines' state and the holds in doubt from the store, for the next collection.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _budgets = await _ledger.StatusAsync(_lines.All, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var inDoubt = await _ledger.ListInDoubtAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _inDoubt, inDoubt.Count(h => h.ReleasedAt is null));
    }

    private IEnumerable<Measurement<int>> ObserveCircuits()
    {
        foreach (var deployment in _live.Current.Routing.Table.Deployments)
        {
            foreach (var endpoint in EndpointsOf(deployment))
            {
                var current = deployment.CircuitOf(endpoint);
                var endpointName = endpoint == UpstreamEndpoint.Messages ? "messages" : "openai";
                foreach (var (state, name) in States)
                {
                    yield return new Measurement<int>(state == current ? 1 : 0,
                        new KeyValuePair<string, object?>("deployment", deployment.Id),
                        new KeyValuePair<string, object?>("endpoint", endpointName),
                        new KeyValuePair<string, object?>("state", name));
                }
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveInFlight()
    {
        foreach (var deployment in _live.Current.Routing.Table.Deployments)
        {
            yield return new Measurement<int>(deployment.InFlight, new KeyValuePair<string, object?>("deployment", deployment.Id));
        }
    }

    private IEnumerable<Measurement<long>> ObserveBudgets(Func<BudgetStatus, long> value)
    {
        foreach (var status in _budgets)
        {
            yield return new Measurement<long>(value(status),
                new KeyValuePair<string, object?>("line", status.Line.Id),
                new KeyValuePair<string, object?>("currency", status.Line.Currency));
        }
    }

    /// <summary>The endpoints a deployment is called on: where each dialect's requests go (one for most providers, two with a Messages base).</summary>
    private static IEnumerable<UpstreamEndpoint> EndpointsOf(DeploymentState deployment)
    {
        var provider = deployment.Config.Provider;
        var openAI = ProviderEndpoints.For(provider, Dialect.OpenAI);
        var anthropic = ProviderEndpoints.For(provider, Dialect.Anthropic);
        yield return openAI;
        if (anthropic != openAI)
        {
            yield return anthropic;
        }
    }
}
