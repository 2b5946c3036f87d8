using Ciyuan.Gateway.Errors;

namespace Ciyuan.Http;

/// <summary>A <see cref="GatewayError"/> as an endpoint filter's result, written in OpenAI's shape.</summary>
internal sealed class ErrorResult(GatewayError error) : IResult
{
    public GatewayError Error { get; } = error;

    public Task ExecuteAsync(HttpContext httpContext) => ErrorAnswers.WriteAsync(httpContext, Error);
}
