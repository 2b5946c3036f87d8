namespace Ciyuan.Tokenizers;

/// <summary>A tool call made by the assistant.</summary>
/// <param name="Id">The call id.</param>
/// <param name="Name">The function name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON text, exactly as the model produced them.</param>
public sealed record ChatTokenToolCall(string Id, string Name, string ArgumentsJson);
