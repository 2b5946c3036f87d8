using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>The <c>tool_calls[]</c> entry shape, shared by request history and responses.</summary>
internal static class OpenAIToolCalls
{
    public static void Write(Utf8JsonWriter writer, ToolCallPart call)
    {
        writer.WriteStartObject();
        writer.WriteString("id", call.Id);
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", call.Name);
        writer.WriteString("arguments", call.ArgumentsJson);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
