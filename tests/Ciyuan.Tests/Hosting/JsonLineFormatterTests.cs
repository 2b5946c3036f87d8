using System.Text.Json;
using Ciyuan.Core.Secrets;
using Ciyuan.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ciyuan.Tests.Hosting;

public sealed class JsonLineFormatterTests
{
    private const string ProviderKey = "sk-provider-key-0123456789";

    private static JsonElement Format(string message, params KeyValuePair<string, object?>[] fields)
    {
        var state = fields.Append(new KeyValuePair<string, object?>("{OriginalFormat}", message)).ToList();
        var entry = new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Warning, "Ciyuan.Test", new EventId(2000, "UpstreamFailed"), state, null, (_, _) => message);
        using var writer = new StringWriter();
        new JsonLineFormatter(() => new SecretRedactor([ProviderKey])).Write(entry, null, writer);
        var text = writer.ToString();
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public void Write_EventWithFields_OneObjectWithSnakeCaseFields()
    {
        var line = Format("Request req_1 failed", Field("RequestId", "req_1"), Field("LatencyMs", 12.5), Field("HttpStatus", 502), Field("Streamed", true));

        Assert.Equal("warning", line.GetProperty("level").GetString());
        Assert.Equal(2000, line.GetProperty("event_id").GetInt32());
        Assert.Equal("Ciyuan.Test", line.GetProperty("category").GetString());
        Assert.Equal("Request req_1 failed", line.GetProperty("message").GetString());
        Assert.EndsWith("Z", line.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal("req_1", line.GetProperty("request_id").GetString());
        Assert.Equal(12.5, line.GetProperty("latency_ms").GetDouble());
        Assert.Equal(502, line.GetProperty("http_status").GetInt32());
        Assert.True(line.GetProperty("streamed").GetBoolean());
        Assert.False(line.TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Write_SecretInMessageOrField_IsMasked()
    {
        var line = Format($"upstream said: bad key {ProviderKey}", Field("Reason", $"echo {ProviderKey}"));

        Assert.DoesNotContain(ProviderKey, line.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, line.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, line.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static KeyValuePair<string, object?> Field(string name, object? value) => new(name, value);

    [Theory]
    [InlineData("RequestId", "request_id")]
    [InlineData("KeyId", "key_id")]
    [InlineData("LatencyMs", "latency_ms")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("model", "model")]
    public void SnakeCase_FieldName_LowercaseWithUnderscores(string name, string expected) =>
        Assert.Equal(expected, JsonLineFormatter.SnakeCase(name));
}
