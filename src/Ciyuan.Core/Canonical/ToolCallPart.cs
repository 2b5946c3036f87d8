namespace Ciyuan.Core.Canonical;

/// <summary>A function call the assistant made; arguments are kept as the JSON text the model wrote.</summary>
public sealed record ToolCallPart(string Id, string Name, string ArgumentsJson) : ContentPart;
