using Ciyuan.Core.Catalog;
using Ciyuan.Core.Routing;

namespace Ciyuan.Gateway.Routing;

/// <summary>
/// What a request needs from a deployment, and what a deployment offers, for routing's fit filter.
/// Found by byte searches on the body (no parse): a false positive only narrows the candidates to
/// those that surely can serve, and an unknown catalog fact never excludes a deployment.
/// </summary>
internal static class RequiredCapabilities
{
    public static RoutingCapabilities Of(ReadOnlySpan<byte> body)
    {
        var needs = RoutingCapabilities.None;
        if (body.IndexOf("\"tools\""u8) >= 0)
        {
            needs |= RoutingCapabilities.Tools;
        }

        if (body.IndexOf("\"image_url\""u8) >= 0 || body.IndexOf("\"type\":\"image\""u8) >= 0)
        {
            needs |= RoutingCapabilities.Images;
        }

        if (body.IndexOf("\"json_object\""u8) >= 0 || body.IndexOf("\"json_schema\""u8) >= 0)
        {
            needs |= RoutingCapabilities.JsonMode;
        }

        return needs;
    }

    /// <summary>Everything, minus what the catalog says the model lacks.</summary>
    public static RoutingCapabilities Offered(CatalogModel? model)
    {
        var offered = RoutingCapabilities.All;
        if (model?.SupportsTools is false)
        {
            offered &= ~RoutingCapabilities.Tools;
        }

        if (model is { Modalities.Count: > 0 } && !model.Modalities.Contains("image"))
        {
            offered &= ~RoutingCapabilities.Images;
        }

        if (model?.SupportsReasoning is false)
        {
            offered &= ~RoutingCapabilities.Reasoning;
        }

        return offered;
    }
}
