namespace Ciyuan.EndToEnd.Tests.Fixtures;

/// <summary>Splits a raw SSE body into its events, for assertions on exact frames.</summary>
internal static class SseText
{
    public static IReadOnlyList<string> Events(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

    public static IReadOnlyList<string> DataPayloads(string body) =>
        Events(body).Where(e => e.StartsWith("data: ", StringComparison.Ordinal)).Select(e => e["data: ".Length..]).ToArray();
}
