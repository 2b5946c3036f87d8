namespace Ciyuan.Core.Responses;

/// <summary>One input item of a stored response: its id (assigned when the client sent none) and its JSON.</summary>
public sealed record StoredItem(string Id, string Json);
