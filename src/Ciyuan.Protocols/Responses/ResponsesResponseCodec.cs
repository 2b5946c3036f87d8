using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// A canonical whole answer → a Responses object (docs/dialects.md, "canonical → Responses"):
/// reasoning items, one assistant message, then the calls; <c>completed</c>, or <c>incomplete</c> for a
/// length or content-filter stop.
/// </summary>
public static class ResponsesResponseCodec
{
    public static byte[] Encode(ChatResponse response, ChatRequest request, string id, string model, long createdAt)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(request);
        var items = Items(response, request, id);
        var state = response.FinishReason == FinishReason.Error
            ? ResponseState.Failed("upstream_error", $"the upstream stopped generating ({response.RawFinishReason ?? "error"})")
            : ResponseState.Finished(response.FinishReason);
        var document = new ResponsesObject(id, model, createdAt, request);
        return JsonOutput.Write((document, state, items, response.Usage), static (json, s) => s.document.Write(json, null, s.state, s.items, s.Usage));
    }

    private static List<ResponsesOutputItem> Items(ChatResponse response, ChatRequest request, string id)
    {
        var tools = new ResponsesToolTable(request.Tools);
        var items = new List<ResponsesOutputItem>();
        MessageOutputItem? message = null;
        foreach (var part in response.Content)
        {
            switch (part)
            {
                case ReasoningPart reasoning:
                    var item = new ReasoningOutputItem(ResponsesIds.Item("rs", id, items.Count)) { OutputIndex = items.Count, Done = true };
                    item.Text.Append(reasoning.Text);
                    item.Signature = reasoning.Signature;
                    item.RedactedData = reasoning.RedactedData;
                    items.Add(item);
                    break;
                case TextPart text:
                    if (message is null)
                    {
                        message = new MessageOutputItem(ResponsesIds.Item("msg", id, items.Count)) { OutputIndex = items.Count, Done = true };
                        items.Add(message);
                    }

                    message.Text.Append(text.Text);
                    break;
                case ToolCallPart call:
                    var (name, space, freeform) = tools.Resolve(call.Name);
                    var callItem = new CallOutputItem(ResponsesIds.Item(freeform ? "ctc" : "fc", id, items.Count), call.Id, name, space, freeform)
                    {
                        OutputIndex = items.Count,
                        Done = true,
                    };
                    callItem.Arguments.Append(call.ArgumentsJson);
                    items.Add(callItem);
                    break;
                default:
                    break;
            }
        }

        return items;
    }
}
