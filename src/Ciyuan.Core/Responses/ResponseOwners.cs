using Ciyuan.Core.Keys;

namespace Ciyuan.Core.Responses;

/// <summary>Whose stored responses a key sees: its project's, or — for a key without a project — only its own.</summary>
public static class ResponseOwners
{
    public static string Of(ClientKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Project is { Length: > 0 } project ? "project:" + project : "key:" + key.Id;
    }
}
