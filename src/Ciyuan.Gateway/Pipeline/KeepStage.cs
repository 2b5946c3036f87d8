using Ciyuan.Core.Metering;
using Ciyuan.Core.Responses;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Relay;
using Ciyuan.Storage;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 8b, keep: an answer whose request asked for it (<see cref="GatewayContext.Keep"/>) is
/// stored with its input items — after its ledger line is durable and before its last byte reaches
/// the client, so a client that continues it at once (<c>previous_response_id</c>) finds it. Called
/// from the relay; the answer is the one the client receives (<see cref="AnswerCodec.AnswerToKeep"/>).
/// A store that cannot take it is logged, and the answer, already billed, is still delivered.
/// </summary>
internal sealed partial class KeepStage(IResponseStore store, ILogger<KeepStage> logger)
{
    public async Task KeepAsync(GatewayContext context, AnswerCodec codec, TokenUsage counted)
    {
        if (context.Keep is not { } plan || context.Door is not IConversationDoor door || codec.AnswerToKeep(counted) is not { } answer
            || door.AnswerId(answer.Span) is not { } id)
        {
            return;
        }

        try
        {
            await store.SaveAsync(new StoredResponse
            {
                Id = id,
                Owner = plan.Owner,
                KeyId = context.Key.Id,
                RequestId = context.RequestId,
                PreviousResponseId = plan.PreviousResponseId,
                CreatedAt = context.ReceivedAt,
                Model = context.ModelAlias,
                Body = System.Text.Encoding.UTF8.GetString(answer.Span),
                InputItems = door.Identify(plan.InputItems, id),
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageException or System.Data.Common.DbException)
        {
            Log.KeepFailed(logger, context.RequestId, id, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.KeepFailed, Level = LogLevel.Error,
            Message = "Request {RequestId}: the answer {ResponseId} was delivered but could not be stored; continuing it will fail: {Reason}")]
        public static partial void KeepFailed(ILogger logger, string requestId, string responseId, string reason);
    }
}
