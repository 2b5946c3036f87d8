namespace Ciyuan.Storage;

/// <summary>A storage problem an operator must act on (wrong schema version, unreadable file).</summary>
public sealed class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
