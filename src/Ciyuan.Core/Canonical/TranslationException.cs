namespace Ciyuan.Core.Canonical;

/// <summary>
/// A body is invalid, or says something the target dialect cannot express. <see cref="Field"/> is
/// the JSON path the client should look at (e.g. <c>messages[3].content[1]</c>); the gateway
/// answers 400 <c>invalid_request_error</c> with <see cref="Exception.Message"/>.
/// </summary>
public sealed class TranslationException : Exception
{
    public TranslationException()
        : this("$", "the request cannot be translated")
    {
    }

    public TranslationException(string message)
        : this("$", message)
    {
    }

    public TranslationException(string message, Exception innerException)
        : this("$", message, innerException)
    {
    }

    public TranslationException(string field, string reason, Exception? innerException = null)
        : base($"{field}: {reason}", innerException)
    {
        Field = field;
        Reason = reason;
    }

    public string Field { get; }

    /// <summary>The message without the field prefix.</summary>
    public string Reason { get; }
}
