using Ciyuan.Core.Providers;
using System.Diagnostics;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Limits;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.State;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// The state of one request as it moves through the stages of <see cref="GatewayPipeline"/>. Each
/// member is set by exactly one stage — named in its summary — and only read by later ones; no
/// stage learns anything from a side effect of another.
/// </summary>
internal sealed class GatewayContext : IDisposable
{
    private int _limitsSettled;

    // ---- Intake -------------------------------------------------------------------------------

    /// <summary>Intake: a time-ordered id, sent back as <c>X-Ciyuan-Request-Id</c>.</summary>
    public required string RequestId { get; init; }

    /// <summary>Intake: the configuration generation the request runs on, start to end.</summary>
    public required GatewaySnapshot Snapshot { get; init; }

    /// <summary>Intake: when the request arrived (from the injected clock); picks price tiers and budget windows.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Intake: for latency and time to first token.</summary>
    public required long StartedTimestamp { get; init; }

    /// <summary>Intake: where the request came from and where its answer goes.</summary>
    public required ClientExchange Client { get; init; }

    /// <summary>Intake: the front door, which reads the request and writes the answer and errors.</summary>
    public required IDoor Door { get; init; }

    /// <summary>Intake: the caller's key.</summary>
    public required ClientKey Key { get; init; }

    /// <summary>Intake: the key as presented, masked in whatever an upstream sends back. Never logged or stored.</summary>
    public required string CallerSecret { get; init; }

    /// <summary>Intake: <c>X-Ciyuan-Run</c>.</summary>
    public string? RunId { get; init; }

    /// <summary>Intake: <c>X-Ciyuan-Policy</c>, tightening the key's privacy policy.</summary>
    public string? RequestPolicy { get; init; }

    /// <summary>Intake: the body as the client sent it; recall replaces it with the conversation it continues inlined.</summary>
    public required RequestBody Body { get; internal set; }

    /// <summary>Intake: what one scan of the body found; recall rescans the body it rebuilds.</summary>
    public required RequestFacts Facts { get; internal set; }

    /// <summary>Intake: the model alias asked for.</summary>
    public required ModelAliasConfig Alias { get; init; }

    /// <summary>Intake: every field that bounds what an upstream may generate.</summary>
    public required OutputLimits OutputLimits { get; init; }

    /// <summary>Intake: whether the answer is a stream.</summary>
    public required bool Streams { get; init; }

    // ---- Recall -------------------------------------------------------------------------------

    /// <summary>Recall: how the answer is to be kept (a Responses request with <c>store</c> on); null keeps nothing.</summary>
    public KeepPlan? Keep { get; internal set; }

    // ---- Resolve ------------------------------------------------------------------------------

    /// <summary>Resolve: prompt tokens no upstream's count can exceed (exact where a budget covers the request and the tokenizer ships).</summary>
    public long PromptCeiling { get; internal set; }

    /// <summary>Resolve: what routing was asked (prompt estimate, capabilities, affinity).</summary>
    public RouteRequest? Route { get; internal set; }

    /// <summary>Resolve: the deployments to try, in order.</summary>
    public RoutePlan? Plan { get; internal set; }

    // ---- Admit --------------------------------------------------------------------------------

    /// <summary>Admit: the token-per-minute counters the request was charged on (corrected at settle).</summary>
    public List<string>? TokenCharges { get; internal set; }

    /// <summary>Admit: the tokens charged up front on <see cref="TokenCharges"/>.</summary>
    public long EstimatedTokens { get; internal set; }

    /// <summary>Admit: the concurrency slots the request holds until it is settled.</summary>
    public IReadOnlyList<ConcurrencySlot>? ConcurrencySlots { get; internal set; }

    // ---- Reserve ------------------------------------------------------------------------------

    /// <summary>Reserve: whom the request is charged to.</summary>
    public ChargeTarget? ChargeTarget { get; internal set; }

    /// <summary>Reserve: the budget lines covering the request, looked up once.</summary>
    public IReadOnlyList<BudgetLine>? CoveringLines { get; internal set; }

    /// <summary>Reserve: the hold, once granted; the ledger line settles it.</summary>
    public BudgetHold? Hold { get; internal set; }

    // ---- Route and send -------------------------------------------------------------------------

    /// <summary>Send: attempts made so far (a retry or fallback is one more).</summary>
    public int Attempts { get; internal set; }

    /// <summary>Route: the attempts that failed so far and why, in order (null until one does); the ledger line keeps them.</summary>
    public IReadOnlyList<FailedAttempt>? FailedAttempts => _failedAttempts;

    private List<FailedAttempt>? _failedAttempts;

    /// <summary>Route: notes a failed attempt (a deployment at its own limit counts, as a 429 would).</summary>
    internal void NoteFailedAttempt(string deployment, ProviderFailure failure) =>
        (_failedAttempts ??= []).Add(new FailedAttempt(deployment, ErrorVocabulary.For(failure.Kind).Code, failure.UpstreamStatus));

    /// <summary>Send: the request in the canonical model, decoded once when a deployment needs a translation.</summary>
    public ChatRequest? Canonical { get; internal set; }

    // ---- Relay --------------------------------------------------------------------------------

    /// <summary>Relay: when the first generated token reached the gateway, in milliseconds after arrival.</summary>
    public double? FirstTokenMs { get; private set; }

    // ---- Settle -------------------------------------------------------------------------------

    /// <summary>Settle: the ledger line, once written (it settles the hold in the same transaction).</summary>
    public UsageRecord? Record { get; internal set; }

    // ---- Telemetry (observation only: no stage decides anything from these) ---------------------

    /// <summary>The request's span, set when observation starts; null when traces are off.</summary>
    public Activity? Trace { get; internal set; }

    /// <summary>The error the client was answered with, set by <see cref="AnswerErrors"/> when it writes one.</summary>
    public Errors.GatewayError? AnsweredError { get; internal set; }

    /// <summary>The ledger's name for the door.</summary>
    public string Endpoint => Door.Endpoint.LedgerName();

    public string ModelAlias => Alias.Name;

    public double ElapsedMs => Stopwatch.GetElapsedTime(StartedTimestamp).TotalMilliseconds;

    /// <summary>Relay: notes the first generated token (once).</summary>
    public void MarkFirstToken() => FirstTokenMs ??= ElapsedMs;

    /// <summary>Settle: true the first time only, so limits are settled once whichever path ends the request.</summary>
    public bool TrySettleLimits() => Interlocked.Exchange(ref _limitsSettled, 1) == 0;

    public void Dispose() => Body.Dispose();
}
