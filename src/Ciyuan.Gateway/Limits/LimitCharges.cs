using Ciyuan.Core.Limits;

namespace Ciyuan.Gateway.Limits;

/// <summary>
/// The counters one request is charged on, each with the sentence a client is told when it is
/// the one that refused (kept beside the charge, so no message is rebuilt from a counter's name).
/// </summary>
internal sealed class LimitCharges(long estimatedTokens)
{
    public List<RateCharge> Rates { get; } = new(4);

    public List<string> RateLimits { get; } = new(4);

    public List<ConcurrencySlot> Slots { get; } = new(2);

    public List<string> SlotLimits { get; } = new(2);

    /// <summary>Adds a subject's per-minute limits; <paramref name="counter"/> names its counters, <paramref name="subject"/> it in messages.</summary>
    public void AddRates(string counter, string subject, long? requestsPerMinute, long? tokensPerMinute)
    {
        if (requestsPerMinute is { } rpm)
        {
            Rates.Add(new RateCharge($"{counter}:rpm", 1, rpm));
            RateLimits.Add($"{subject} may send {rpm} requests a minute");
        }

        if (tokensPerMinute is { } tpm)
        {
            Rates.Add(new RateCharge($"{counter}:tpm", estimatedTokens, tpm));
            RateLimits.Add($"{subject} may use {tpm} tokens a minute");
        }
    }

    public void AddConcurrency(string counter, string subject, int? maxConcurrency)
    {
        if (maxConcurrency is { } limit)
        {
            Slots.Add(new ConcurrencySlot($"{counter}:cc", limit));
            SlotLimits.Add($"{subject} may have {limit} requests in flight at once");
        }
    }

    /// <summary>The token counters among the rates, to correct with real usage at the end.</summary>
    public IEnumerable<string> TokenCounters => Rates.Where(r => r.Counter.EndsWith(":tpm", StringComparison.Ordinal)).Select(r => r.Counter);
}
