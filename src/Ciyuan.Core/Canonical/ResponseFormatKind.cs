namespace Ciyuan.Core.Canonical;

public enum ResponseFormatKind
{
    Text,
    JsonObject,
    JsonSchema,
}
