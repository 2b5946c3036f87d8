namespace Ciyuan.Core.Providers;

/// <summary>
/// How one kind of upstream failure is told to a client, in both doors' terms: the OpenAI door's
/// status, <c>type</c> and <c>code</c>, and the Anthropic door's status and error <c>type</c>.
/// </summary>
public sealed record ClientError(int Status, string OpenAIType, string Code, int AnthropicStatus, string AnthropicType);
