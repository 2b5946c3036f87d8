namespace Ciyuan.Core.Configuration;

/// <summary>A configuration error; the message starts with the path of the offending field.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string path, string problem)
        : base(string.IsNullOrEmpty(path) ? problem : $"{path}: {problem}")
    {
        Path = path;
    }

    public ConfigException()
    {
        Path = string.Empty;
    }

    public ConfigException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    public string Path { get; }
}
