namespace Ciyuan.Core.Responses;

/// <summary>
/// A page of input items, as OpenAI pages them: at most <see cref="Limit"/> items in
/// <see cref="Ascending"/> order (OpenAI's default is descending), strictly after the item
/// <see cref="After"/> and before the item <see cref="Before"/> in that order.
/// </summary>
public sealed record ItemsQuery(int Limit, bool Ascending, string? After = null, string? Before = null);
