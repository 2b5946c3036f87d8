namespace Ciyuan.Protocols.Responses;

/// <summary>Ids of a response's output items, derived from the response's own id so they are unique and stable.</summary>
internal static class ResponsesIds
{
    public static string Item(string prefix, string responseId, int index)
    {
        var underscore = responseId.IndexOf('_', StringComparison.Ordinal);
        var stem = underscore >= 0 ? responseId[(underscore + 1)..] : responseId;
        return $"{prefix}_{stem}_{index}";
    }
}
