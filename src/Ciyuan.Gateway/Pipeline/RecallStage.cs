using Ciyuan.Core.Canonical;
using Ciyuan.Core.Responses;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Requests;
using Ciyuan.Storage;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 1b, recall, for doors whose answers are kept and continued (<see cref="IConversationDoor"/>):
/// the request's input is checked (item types, call outputs answering calls), a request continuing a
/// stored response (<c>previous_response_id</c>) is rebuilt to stand alone — the stored conversation
/// inlined, from the key's own project only — so every later stage (budget, routing, any upstream)
/// sees the whole conversation, and a request whose answer is to be kept gets its
/// <see cref="KeepPlan"/>. Other doors pass untouched. A refusal here is the door's error; no ledger line.
/// </summary>
internal sealed class RecallStage(IResponseStore store)
{
    /// <summary>The longest chain of responses followed back; a longer one is refused rather than cut.</summary>
    public const int MaxDepth = 10_000;

    public async Task<GatewayError?> RecallAsync(GatewayContext context)
    {
        if (context.Door is not IConversationDoor door)
        {
            return null;
        }

        Protocols.Responses.ConversationRequest conversation;
        try
        {
            conversation = door.ReadConversation(context.Body.Span);
        }
        catch (TranslationException ex)
        {
            return ResponsesErrors.InvalidInput(ex);
        }

        var owner = ResponseOwners.Of(context.Key);
        if (conversation.PreviousResponseId is { } previous)
        {
            ConversationChain? chain;
            try
            {
                chain = await store.ChainAsync(owner, previous, MaxDepth, context.Client.Aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StorageException or System.Data.Common.DbException)
            {
                return ResponsesErrors.StoreUnavailable;
            }

            if (chain is null)
            {
                return ResponsesErrors.PreviousResponseNotFound(previous);
            }

            if (chain.MissingId is { } missing)
            {
                return ResponsesErrors.ChainBroken(previous, missing);
            }

            byte[] rebuilt;
            try
            {
                rebuilt = door.Continue(context.Body.Span, door.History(chain), conversation.InputItems);
            }
            catch (TranslationException ex)
            {
                return ResponsesErrors.InvalidInput(ex);
            }

            if (RequestScanner.Scan(rebuilt, out var scanError) is not { } facts)
            {
                return GatewayErrors.InvalidRequest(scanError!.Message, scanError.Code, scanError.Param);
            }

            var original = context.Body;
            context.Body = RequestBody.Of(rebuilt);
            context.Facts = facts;
            original.Dispose();
        }

        if (conversation.Store && context.Door.Endpoint == DoorEndpoint.Responses)
        {
            context.Keep = new KeepPlan(owner, conversation.PreviousResponseId, conversation.InputItems);
        }

        return null;
    }
}
