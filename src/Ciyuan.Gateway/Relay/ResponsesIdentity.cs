using System.Text.Json.Nodes;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Responses;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// A native upstream's response object, told as Ciyuan's: its <c>id</c> replaced by Ciyuan's and its
/// <c>previous_response_id</c> by the one the client sent. Only the lifecycle events carry the object,
/// so only they (a handful per response) are rewritten; deltas pass as they came.
/// </summary>
internal static class ResponsesIdentity
{
    public static bool CarriesResponse(string? type) => type is ResponsesEvents.Created or ResponsesEvents.InProgress or ResponsesEvents.Completed
        or ResponsesEvents.Incomplete or ResponsesEvents.Failed or "response.queued";

    /// <summary>A whole response object, rewritten; bytes that are not an object pass unchanged.</summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> response, string id, string? previousResponseId) =>
        JsonNode.Parse(response) is JsonObject body ? JsonOutput.ToBytes(Apply(body, id, previousResponseId)) : response.ToArray();

    /// <summary>An event whose <c>response</c> member is the object.</summary>
    public static byte[] RewriteEvent(ReadOnlySpan<byte> data, string id, string? previousResponseId)
    {
        if (JsonNode.Parse(data) is not JsonObject frame || frame["response"] is not JsonObject response)
        {
            return data.ToArray();
        }

        Apply(response, id, previousResponseId);
        return JsonOutput.ToBytes(frame);
    }

    private static JsonObject Apply(JsonObject response, string id, string? previousResponseId)
    {
        response["id"] = id;
        if (response.ContainsKey("previous_response_id") || previousResponseId is not null)
        {
            response["previous_response_id"] = previousResponseId;
        }

        return response;
    }
}
