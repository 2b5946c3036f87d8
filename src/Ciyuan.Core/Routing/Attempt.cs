namespace Ciyuan.Core.Routing;

/// <summary>
/// One started call: the deployment (its in-flight slot already taken), the pooled key to send
/// with (null: the provider's own key) and the time by which the first token must arrive at the latest.
/// </summary>
public readonly record struct Attempt(int Number, DeploymentState Deployment, PooledKey? Key, DateTimeOffset Deadline);
