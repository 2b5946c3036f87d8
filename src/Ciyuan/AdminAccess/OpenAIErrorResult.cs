using Ciyuan.Http;

namespace Ciyuan.AdminAccess;

/// <summary>An OpenAI-shaped error as a result, so a filter can answer without writing behind the framework's back.</summary>
internal sealed class OpenAIErrorResult(OpenAIError error) : IResult
{
    public OpenAIError Error { get; } = error;

    public Task ExecuteAsync(HttpContext httpContext) => OpenAIErrorWriter.WriteAsync(httpContext, Error);
}
