using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// A stream encoder whose stream adds up to a whole answer a client can fetch later (a Responses
/// object, kept for <c>GET /v1/responses/{id}</c>): that answer as the final event will carry it.
/// </summary>
public interface IWholeAnswerEncoder : IStreamEncoder
{
    /// <summary>The whole answer so far, with <paramref name="usage"/>; null before the stream finished.</summary>
    byte[]? WholeAnswer(TokenUsage usage);
}
