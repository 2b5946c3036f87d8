using System.Text;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

public sealed class JsonOutputTests
{
    [Fact]
    public void Write_InsideAnotherWrite_BothBodiesWhole()
    {
        byte[]? inner = null;
        var outer = JsonOutput.Write("outer", (json, name) =>
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            inner = JsonOutput.Write("inner", static (nested, value) =>
            {
                nested.WriteStartObject();
                nested.WriteString("name", value);
                nested.WriteEndObject();
            });
            json.WriteString("after", "yes");
            json.WriteEndObject();
        });

        Assert.Equal("""{"name":"outer","after":"yes"}""", Encoding.UTF8.GetString(outer));
        Assert.Equal("""{"name":"inner"}""", Encoding.UTF8.GetString(inner!));
    }

    [Fact]
    public void Write_AfterAWriteThatThrew_StartsClean()
    {
        Assert.Throws<InvalidOperationException>(() => JsonOutput.Write(0, static (json, _) =>
        {
            json.WriteStartObject();
            json.WriteString("half", "written");
            throw new InvalidOperationException("the encoder failed");
        }));

        var next = JsonOutput.Write("中文", static (json, text) =>
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteEndObject();
        });

        Assert.Equal("""{"text":"中文"}""", Encoding.UTF8.GetString(next));
    }
}
