using System.Globalization;
using Ciyuan.Core.Providers;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Pipeline stages 3, 4 and 7 as one pure call: resolve the alias, apply the privacy policy as a
/// hard filter (→ <see cref="EligibleDeployments"/>), drop what does not fit, set aside what is
/// unhealthy or saturated, map the prompt-cache affinity key to a deployment, and rank the rest.
/// <see cref="Explain"/> runs the very same steps and records a reason for every candidate.
/// </summary>
public sealed class DeploymentRouter(RoutingTable table, PrivacyPolicySet policies, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public RoutingTable Table => table;

    /// <summary>The plan for <paramref name="request"/>, or the reason there is none.</summary>
    public RouteResult Route(RouteRequest request) => Build(request, explanation: null, out _);

    /// <summary>What <see cref="Route"/> would decide, with a reason per candidate; changes nothing.</summary>
    public RouteExplanation Explain(RouteRequest request)
    {
        var candidates = new List<CandidateExplanation>();
        var result = Build(request, candidates, out var header);
        return header with
        {
            Candidates = candidates,
            Outcome = result.Error,
            Message = result.Message,
        };
    }

    /// <summary>The deployment a prompt-cache affinity key maps to among <paramref name="candidates"/>; -1 for none.</summary>
    public static int AffineIndex(ulong affinityKey, ReadOnlySpan<DeploymentState> candidates)
    {
        var best = -1;
        var bestScore = 0UL;
        for (var i = 0; i < candidates.Length; i++)
        {
            var score = StableHash.Rendezvous(affinityKey, candidates[i].IdHash);
            if (best < 0 || score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return best;
    }

    private RouteResult Build(RouteRequest request, List<CandidateExplanation>? explanation, out RouteExplanation header)
    {
        header = new RouteExplanation { Alias = request.Alias };
        if (!table.TryGetAlias(request.Alias, out var alias))
        {
            return RouteResult.Failure(RouteErrorKind.UnknownAlias, $"The model '{request.Alias}' is not served here; GET /v1/models lists the models.");
        }

        var options = alias.Options;
        header = header with { Strategy = alias.Strategy.Name };
        var resolution = policies.Resolve(request.KeyPolicy, request.RequestPolicy);
        if (resolution.Policy is not { } policy)
        {
            return RouteResult.Failure(RouteErrorKind.UnknownPolicy, resolution.Error!);
        }

        header = header with { Policy = policy.Name };

        // Stage 4: the hard filter. Everything below works on this set only.
        var eligible = EligibleDeployments.Filter(policy, alias.Deployments);
        if (explanation is not null)
        {
            foreach (var deployment in alias.Deployments)
            {
                if (policy.Refusal(deployment.Config) is { } refusal)
                {
                    explanation.Add(Excluded(deployment, CandidateStatus.ExcludedByPolicy, refusal));
                }
            }
        }

        if (eligible.IsEmpty)
        {
            return RouteResult.Failure(
                RouteErrorKind.DeniedByPolicy,
                $"Privacy policy '{policy.Name}' allows none of the deployments of model '{alias.Name}'; use another model or a key whose policy allows one of them.");
        }

        var fitting = eligible.Narrow(request, static (d, r) => FitFilter.Fits(d, r.PromptTokens, r.MaxOutputTokens, r.RequiredCapabilities));
        if (explanation is not null || fitting.IsEmpty)
        {
            var reasons = new List<string>();
            foreach (var deployment in eligible.AsSpan())
            {
                if (FitFilter.Refusal(deployment, request.PromptTokens, request.MaxOutputTokens, request.RequiredCapabilities) is { } refusal)
                {
                    explanation?.Add(Excluded(deployment, CandidateStatus.ExcludedByFit, refusal));
                    reasons.Add($"{deployment.Id}: {refusal}");
                }
            }

            if (fitting.IsEmpty)
            {
                return RouteResult.Failure(
                    RouteErrorKind.NoFit,
                    $"No deployment of model '{alias.Name}' can serve this request ({string.Join("; ", reasons)}); shorten the prompt, lower max_tokens or drop the unsupported feature.");
            }
        }

        var now = _time.GetUtcNow();
        var available = new List<DeploymentState>(fitting.Count);
        DateTimeOffset? earliest = null;
        foreach (var deployment in fitting.AsSpan())
        {
            var endpoint = ProviderEndpoints.For(deployment.Config.Provider, request.Door);
            var availability = deployment.GetAvailability(endpoint);
            if (availability == DeploymentAvailability.Available)
            {
                available.Add(deployment);
                continue;
            }

            var until = availability switch
            {
                DeploymentAvailability.RetryAfterHold => deployment.HeldUntil,
                DeploymentAvailability.CircuitOpen => deployment.CircuitOpenUntilOf(endpoint),
                _ => null,
            };
            if (until is { } u && (earliest is null || u < earliest))
            {
                earliest = u;
            }

            explanation?.Add(Excluded(deployment, Status(availability), Unavailable(deployment, availability, until)));
        }

        if (available.Count == 0)
        {
            var retryAfter = earliest is { } e && e > now ? e - now : (TimeSpan?)null;
            return RouteResult.Failure(
                RouteErrorKind.NoneAvailable,
                $"Every deployment of model '{alias.Name}' is failing, rate-limited or at capacity; retry later.",
                retryAfter);
        }

        DeploymentState[] candidates = [.. available];
        var affinityIndex = options.CacheAffinity && request.AffinityKey != 0 ? AffineIndex(request.AffinityKey, candidates) : -1;
        var expectedOutput = request.ExpectedOutputTokens
            ?? (request.MaxOutputTokens is { } max ? Math.Min(max, options.DefaultExpectedOutputTokens) : options.DefaultExpectedOutputTokens);
        var context = new RoutingContext(
            now,
            request.PromptTokens,
            expectedOutput,
            affinityIndex,
            options.CacheHitLikelihood,
            options.AffineCacheHitLikelihood,
            affinityIndex >= 0 ? request.AffinityKey : 0);

        var order = candidates.Length <= RankingSort.StackLimit ? stackalloc int[candidates.Length] : new int[candidates.Length];
        var count = alias.Strategy.Rank(context, candidates, order);
        var ranked = new DeploymentState[count];
        for (var i = 0; i < count; i++)
        {
            ranked[i] = candidates[order[i]];
        }

        var affine = affinityIndex >= 0 ? candidates[affinityIndex] : null;
        header = header with { AffineDeploymentId = affine?.Id };
        if (explanation is not null)
        {
            var ranks = new List<CandidateExplanation>(count);
            for (var i = 0; i < count; i++)
            {
                var deployment = ranked[i];
                var reason = alias.Strategy is IRankExplainer explainer
                    ? explainer.Describe(context, candidates, order[i])
                    : $"ranked by '{alias.Strategy.Name}'";
                ranks.Add(new CandidateExplanation(deployment.Id, deployment.Config.Provider.Name, deployment.Config.Provider.Jurisdiction, CandidateStatus.Ranked, i + 1, reason));
            }

            explanation.InsertRange(0, ranks);
        }

        return RouteResult.Success(new RoutePlan(alias, fitting, ranked, request.AffinityKey, affine, now, request.Door));
    }

    private static CandidateExplanation Excluded(DeploymentState deployment, CandidateStatus status, string reason) =>
        new(deployment.Id, deployment.Config.Provider.Name, deployment.Config.Provider.Jurisdiction, status, null, reason);

    private static CandidateStatus Status(DeploymentAvailability availability) => availability switch
    {
        DeploymentAvailability.CircuitOpen => CandidateStatus.CircuitOpen,
        DeploymentAvailability.RetryAfterHold => CandidateStatus.RetryAfterHold,
        _ => CandidateStatus.Saturated,
    };

    private static string Unavailable(DeploymentState deployment, DeploymentAvailability availability, DateTimeOffset? until)
    {
        var when = until?.ToString("u", CultureInfo.InvariantCulture);
        return availability switch
        {
            DeploymentAvailability.CircuitOpen => when is null ? "half-open trial already in flight" : $"too many recent failures; circuit open until {when}",
            DeploymentAvailability.RetryAfterHold => $"provider asked to retry after {when}",
            _ => string.Create(CultureInfo.InvariantCulture, $"{deployment.InFlight} calls in flight, limit {deployment.Traits.MaxInFlight}{(deployment.Keys is null ? string.Empty : " (or every pooled key at its limit)")}"),
        };
    }
}
