namespace Ciyuan.Core.Canonical;

/// <summary>
/// A field of the client's body that has no place in <see cref="ChatRequest"/>, where it was
/// (<paramref name="Path"/>, e.g. <c>tools[3].defer_loading</c>), what translating the request to the
/// other dialect does with it, and why.
/// </summary>
public sealed record SourceField(string Path, FieldFate Fate, string Reason);
