namespace Ciyuan.Core.Metering;

/// <summary>
/// An attempt of a request that did not answer, and why: the deployment tried, Ciyuan's error code
/// for the failure (the one vocabulary, e.g. <c>rate_limit_exceeded</c>, <c>upstream_timeout</c>) and
/// the upstream's HTTP status when it sent one. The ledger keeps these so a fallback can be explained.
/// </summary>
public sealed record FailedAttempt(string Deployment, string Reason, int? UpstreamStatus);
