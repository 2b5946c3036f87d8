namespace Ciyuan.Core.Canonical;

/// <summary>The wire dialect a client or an upstream speaks.</summary>
public enum Dialect
{
    OpenAI,
    Anthropic,
}
