using System.Globalization;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Skips deployments that cannot serve the request at all: a context window too small for prompt
/// plus requested output, an output cap below the request's, or a missing capability. Unknown
/// facts never exclude (the catalog leaves them null rather than guessing).
/// </summary>
public static class FitFilter
{
    public static bool Fits(DeploymentState deployment, long promptTokens, long? maxOutputTokens, RoutingCapabilities required) =>
        Refusal(deployment, promptTokens, maxOutputTokens, required) is null;

    /// <summary>Why the deployment cannot serve the request, in words; null when it can.</summary>
    public static string? Refusal(DeploymentState deployment, long promptTokens, long? maxOutputTokens, RoutingCapabilities required)
    {
        var traits = deployment.Traits;
        var output = maxOutputTokens ?? 0;
        if (traits.ContextWindow is { } window && promptTokens + output > window)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"context window {window} tokens cannot hold {promptTokens} prompt + {output} output tokens");
        }

        if (traits.MaxOutputTokens is { } cap && maxOutputTokens is { } requested && requested > cap)
        {
            return string.Create(CultureInfo.InvariantCulture, $"produces at most {cap} output tokens; the request asks for {requested}");
        }

        var missing = required & ~traits.Capabilities;
        return missing == RoutingCapabilities.None ? null : $"does not support {Describe(missing)}";
    }

    private static string Describe(RoutingCapabilities missing)
    {
        var names = new List<string>(4);
        if (missing.HasFlag(RoutingCapabilities.Tools))
        {
            names.Add("tools");
        }

        if (missing.HasFlag(RoutingCapabilities.Images))
        {
            names.Add("image input");
        }

        if (missing.HasFlag(RoutingCapabilities.Reasoning))
        {
            names.Add("reasoning");
        }

        if (missing.HasFlag(RoutingCapabilities.JsonMode))
        {
            names.Add("JSON mode");
        }

        return string.Join(", ", names);
    }
}
