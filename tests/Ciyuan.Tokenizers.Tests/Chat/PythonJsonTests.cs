using System.Text;
using System.Text.Json;
using Ciyuan.Tokenizers.Chat;

namespace Ciyuan.Tokenizers.Tests.Chat;

public sealed class PythonJsonTests
{
    [Theory]
    [InlineData("{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}", "{\"a\": 1, \"b\": [true, false, null], \"c\": \"x\"}")]
    [InlineData("{\"s\":\"中文\\n\\u0001\\\"\"}", "{\"s\": \"中文\\n\\u0001\\\"\"}")]
    [InlineData("[1.0, 1.50, 1e5, 1e16, 0.0001, 0.00001, -2.5e-7, 123456789012345678]", "[1.0, 1.5, 100000.0, 1e+16, 0.0001, 1e-05, -2.5e-07, 123456789012345678]")]
    public void Write_JsonValue_MatchesPythonDumps(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);
        var sb = new StringBuilder();

        PythonJson.Write(sb, document.RootElement);

        Assert.Equal(expected, sb.ToString());
    }
}
