using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Http;

/// <summary>
/// Writes a <see cref="GatewayError"/> on a route outside the pipeline (admin, dashboard, models,
/// unknown paths) with the door codecs the pipeline answers with, so every error the gateway gives
/// has one vocabulary and one shape per dialect. Routes without a dialect of their own answer in
/// OpenAI's.
/// </summary>
internal static class ErrorAnswers
{
    public static Task WriteAsync(HttpContext context, GatewayError error, IDoor? door = null) =>
        AnswerErrors.WriteAsync(new HttpClientExchange(context), door ?? OpenAIDoor.Chat, context.Response.Headers[CiyuanHeaders.RequestId].ToString(), error);
}
