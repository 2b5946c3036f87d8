namespace Ciyuan.Core.Routing;

/// <summary>Why routing found nothing to try; the gateway maps each to an HTTP status.</summary>
public enum RouteErrorKind
{
    None,

    /// <summary>No such model alias (404 model_not_found).</summary>
    UnknownAlias,

    /// <summary>The key's or the request's policy name is not defined (400, or a config error for the key).</summary>
    UnknownPolicy,

    /// <summary>The privacy policy admits no deployment of the alias (403).</summary>
    DeniedByPolicy,

    /// <summary>No allowed deployment fits the request: context window or capability (400).</summary>
    NoFit,

    /// <summary>Every fitting deployment is open-circuited, held by Retry-After or saturated (503 or 429 with Retry-After).</summary>
    NoneAvailable,
}
