using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Routing;
using Ciyuan.Core.Routing;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 2, resolve: how many prompt tokens the request may be billed for, and the plan — the
/// model's deployments with the caller's privacy policy applied as a hard filter (no fallback can
/// leave it), those that cannot fit or serve it set aside, the rest ranked by the model's strategy.
/// </summary>
internal sealed class ResolveStage(ReserveStage budgets)
{
    /// <summary>Null when there is a plan; otherwise the routing error (no ledger line: nothing was sent).</summary>
    public GatewayError? Resolve(GatewayContext context)
    {
        var body = context.Body.Span;
        var facts = context.Facts;
        var promptTokens = context.Snapshot.PromptTokens;
        context.PromptCeiling = promptTokens.Ceiling(context.Alias, body, exact: budgets.IsBudgeted(context), context.Door);
        context.Route = new RouteRequest
        {
            Alias = context.Alias.Name,
            Door = context.Door.Dialect,
            KeyPolicy = context.Key.Policy,
            RequestPolicy = context.RequestPolicy,
            PromptTokens = promptTokens.For(context.Alias, facts, body, context.Door),
            MaxOutputTokens = facts.RequestedMaxOutput,
            RequiredCapabilities = RequiredCapabilities.Of(body),
            AffinityKey = PromptAffinity.KeyOf(body, facts),
        };

        var result = context.Snapshot.Routing.Router.Route(context.Route);
        context.Plan = result.Plan;
        return result.Plan is null ? GatewayErrors.Route(result) : null;
    }
}
