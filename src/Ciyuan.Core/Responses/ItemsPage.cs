namespace Ciyuan.Core.Responses;

/// <summary>A page of items and whether more follow in the same direction.</summary>
public sealed record ItemsPage(IReadOnlyList<StoredItem> Items, bool HasMore);
