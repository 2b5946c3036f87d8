
namespace Ciyuan.Core.Budgets;

/// <summary>
/// The most tokens one request may be billed for on one deployment: the budget hold is priced on
/// it, a stream that outgrows <see cref="OutputTokens"/> is cut, and reported usage above either
/// bound is counted at the bound and flagged suspect.
/// </summary>
public readonly record struct TokenCeiling(long PromptTokens, long OutputTokens);
