using Microsoft.AspNetCore.Http;

namespace Ciyuan.Testing.Upstream;

/// <summary>The upstream test server's OpenAI Responses route, <c>POST /v1/responses</c>, for native passthrough.</summary>
public sealed partial class UpstreamServer
{
    private async Task HandleResponsesAsync(HttpContext context)
    {
        var (_, json) = await RecordAsync(context).ConfigureAwait(false);
        var behavior = BehaviorFor(json);
        var stream = json["stream"]?.GetValue<bool>() == true;
        var model = json["model"]?.GetValue<string>() ?? "unknown";
        var finished = behavior is Reply reply
            ? await ResponsesReplyWriter.WriteAsync(context, reply, model, stream).ConfigureAwait(false)
            : await RespondAsync(context, behavior, model, stream, includeUsage: false).ConfigureAwait(false);
        if (finished)
        {
            Interlocked.Increment(ref _completed);
        }
    }
}
