using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ciyuan.Protocols.OpenAI;

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonObject))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
