namespace Ciyuan.Core.Canonical;

public enum ChatRole
{
    System,
    User,
    Assistant,
    Tool,
}
