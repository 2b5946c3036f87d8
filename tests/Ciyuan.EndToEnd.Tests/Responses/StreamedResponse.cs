using System.Text;
using OpenAI.Responses;

namespace Ciyuan.EndToEnd.Tests.Responses;

/// <summary>A Responses stream read through the SDK: the completed response, the text deltas joined, and the update kinds in order.</summary>
internal sealed record StreamedResponse(ResponseResult Response, string Text, IReadOnlyList<string> Kinds)
{
    /// <summary>Reads a whole stream; it must end with <c>response.completed</c>.</summary>
    public static async Task<StreamedResponse> ReadAsync(ResponsesClient client, CreateResponseOptions options)
    {
        var text = new StringBuilder();
        var kinds = new List<string>();
        ResponseResult? completed = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(options))
        {
            kinds.Add(update.GetType().Name);
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
                default:
                    break;
            }
        }

        Assert.NotNull(completed);
        Assert.Equal(nameof(StreamingResponseCompletedUpdate), kinds[^1]);
        return new StreamedResponse(completed, text.ToString(), kinds);
    }
}
