namespace Ciyuan.Gateway.Doors;

/// <summary>Which front door a request came in by; recorded in the ledger as its lowercase name.</summary>
internal enum DoorEndpoint
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    Chat,

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,

    /// <summary><c>POST /v1/messages</c>.</summary>
    Messages,

    /// <summary><c>POST /v1/tokenize</c> (counted here, never sent upstream).</summary>
    Tokenize,

    /// <summary><c>POST /v1/messages/count_tokens</c> (counted here, never sent upstream).</summary>
    CountTokens,

    /// <summary><c>POST /v1/responses</c>.</summary>
    Responses,

    /// <summary><c>POST /v1/responses/input_tokens</c> (counted here, never sent upstream).</summary>
    InputTokens,
}

/// <summary>The names of <see cref="DoorEndpoint"/> as the ledger and reports show them.</summary>
internal static class DoorEndpoints
{
    public static string LedgerName(this DoorEndpoint endpoint) => endpoint switch
    {
        DoorEndpoint.Chat => "chat",
        DoorEndpoint.Embeddings => "embeddings",
        DoorEndpoint.Messages => "messages",
        DoorEndpoint.Tokenize => "tokenize",
        DoorEndpoint.CountTokens => "count_tokens",
        DoorEndpoint.Responses => "responses",
        DoorEndpoint.InputTokens => "input_tokens",
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
    };
}
