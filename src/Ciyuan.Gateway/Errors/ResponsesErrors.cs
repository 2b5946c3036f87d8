using Ciyuan.Core.Canonical;
using Ciyuan.Core.Providers;

namespace Ciyuan.Gateway.Errors;

/// <summary>The errors of stored and continued Responses answers, in OpenAI's terms (the Responses door speaks only OpenAI's shape).</summary>
internal static class ResponsesErrors
{
    /// <summary>An input or state field the Responses API does not allow (an unknown item type, an output answering no call).</summary>
    public static GatewayError InvalidInput(TranslationException ex) =>
        new(new ClientError(400, "invalid_request_error", "invalid_input", 400, "invalid_request_error"), ex.Message) { Param = ex.Field };

    public static GatewayError PreviousResponseNotFound(string id) =>
        new(new ClientError(400, "invalid_request_error", "previous_response_not_found", 400, "invalid_request_error"),
            $"Previous response with id '{id}' not found. A response is kept only when it was created with store: true, by a key of the same project, in the last storage.responses_retention_days days.")
        { Param = "previous_response_id" };

    public static GatewayError ChainBroken(string id, string missing) =>
        new(new ClientError(400, "invalid_request_error", "previous_response_not_found", 400, "invalid_request_error"),
            $"The conversation of previous response '{id}' can no longer be rebuilt: the response '{missing}' it continues was deleted or has expired. Send the conversation as input instead.")
        { Param = "previous_response_id" };

    public static GatewayError ResponseNotFound(string id) =>
        new(new ClientError(404, "invalid_request_error", "response_not_found", 404, "not_found_error"),
            $"Response with id '{id}' not found. A response is kept only when it was created with store: true, and only keys of the project that created it can read it.")
        { Param = "response_id" };

    /// <summary>The store could not be read: the request was not sent, nothing was charged.</summary>
    public static GatewayError StoreUnavailable { get; } =
        new(new ClientError(503, "api_error", "store_unavailable", 503, "api_error"),
            "The gateway's response store is unavailable, so the stored conversation could not be read; nothing was sent or charged. Retry shortly.")
        { RetryAfter = TimeSpan.FromSeconds(1) };
}
