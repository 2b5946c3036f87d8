namespace Ciyuan.Core.Configuration;

/// <summary>The console log's shape.</summary>
public enum LogFormat
{
    Text,
    Json,
}
