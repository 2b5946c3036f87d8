using Ciyuan.Core.Configuration;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;
using Ciyuan.Hosting;

namespace Ciyuan.Pipeline;

/// <summary>
/// A key's spending cap (<c>keys create --budget-usd</c>), enforced by reservation: before dispatch the
/// request's worst-case cost (prompt estimate at the dearest input price of its model, plus the
/// requested — or the model's maximum — output at the dearest output price) is held; when it ends,
/// the hold is replaced by the exact cost from its ledger line. A request that would not fit is refused
/// before it leaves, so concurrent requests cannot overshoot the cap. Spend is rebuilt from the durable
/// ledger at start-up; holds live in memory, so a crash releases them (nothing was billed for them).
/// One instance only: several instances each enforce the cap on their own traffic.
/// </summary>
internal sealed class KeyBudgets(GatewayState state)
{
    private const long DefaultMaxOutputTokens = 4096;
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Adds what each key has already spent, in micro-USD (from the ledger, CNY converted).</summary>
    public void Load(IEnumerable<(string KeyId, long SpentMicroUsd)> spent)
    {
        lock (_gate)
        {
            foreach (var (keyId, micro) in spent)
            {
                Get(keyId).Spent += micro;
            }
        }
    }

    /// <summary>Holds the worst case; false (with what remains) when it does not fit the cap.</summary>
    public bool TryReserve(ClientKey key, string aliasName, long promptTokens, long? maxOutputTokens, out long held, out MicroUnits remaining)
    {
        held = 0;
        remaining = default;
        if (key.BudgetMicroUsd is not { } cap || !state.Aliases.TryGetValue(aliasName, out var alias))
        {
            return true;
        }

        var worst = WorstCase(alias, promptTokens, maxOutputTokens);
        lock (_gate)
        {
            var account = Get(key.Id);
            var left = cap - account.Spent - account.Held;
            remaining = new MicroUnits(Math.Max(0, left));
            if (worst > left)
            {
                return false;
            }

            account.Held += worst;
            held = worst;
            return true;
        }
    }

    /// <summary>Replaces the hold by what the request really cost (zero when it failed).</summary>
    public void Settle(ClientKey key, long held, MicroUnits cost, string currency)
    {
        if (key.BudgetMicroUsd is null)
        {
            return;
        }

        var spent = currency == "USD" ? cost.Value : (long)Math.Ceiling(cost.Value * state.Config.Routing.CnyToUsd);
        lock (_gate)
        {
            var account = Get(key.Id);
            account.Held -= held;
            account.Spent += spent;
        }
    }

    private long WorstCase(ModelAliasConfig alias, long promptTokens, long? maxOutputTokens)
    {
        long worst = 0;
        var now = DateTimeOffset.UtcNow;
        foreach (var deployment in alias.Deployments)
        {
            if (state.PriceOf(deployment) is not { } price)
            {
                continue;
            }

            var output = maxOutputTokens ?? state.CatalogModels.GetValueOrDefault(deployment.Id)?.MaxOutput ?? DefaultMaxOutputTokens;
            var cost = price.Cost(new TokenUsage(promptTokens, 0, 0, output, 0), now).Value;
            worst = Math.Max(worst, price.Currency == "USD" ? cost : (long)Math.Ceiling(cost * state.Config.Routing.CnyToUsd));
        }

        return worst;
    }

    private Account Get(string keyId)
    {
        if (!_accounts.TryGetValue(keyId, out var account))
        {
            account = new Account();
            _accounts[keyId] = account;
        }

        return account;
    }

    private sealed class Account
    {
        public long Spent { get; set; }

        public long Held { get; set; }
    }
}
