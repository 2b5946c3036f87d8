using Ciyuan.Protocols.Anthropic;

namespace Ciyuan.Protocols.Tests.Anthropic;

/// <summary>The README's table of fates is the contract: every field the code knows has a row there.</summary>
public sealed class AnthropicFieldFatesDocumentationTests
{
    private static string FatesSection()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "README.md")) || !File.Exists(Path.Combine(directory.FullName, "Ciyuan.slnx")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("the repository root was not found above the test binaries");
        }

        var readme = File.ReadAllText(Path.Combine(directory.FullName, "README.md"));
        var start = readme.IndexOf("### Anthropic requests on OpenAI-dialect upstreams", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no section on Anthropic requests on OpenAI-dialect upstreams");
        var end = readme.IndexOf("\n### ", start + 10, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    public static TheoryData<string> KnownFields()
    {
        var data = new TheoryData<string>();
        foreach (var name in AnthropicFieldFates.Mapped.Concat(AnthropicFieldFates.Dropped.Keys).Concat(AnthropicFieldFates.Refused.Keys).Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KnownFields))]
    public void Readme_FatesTable_NamesEveryKnownField(string field)
    {
        var section = FatesSection();

        Assert.True(section.Contains($"`{field}`", StringComparison.Ordinal) || section.Contains($"`{field}.", StringComparison.Ordinal),
            $"the README's table of fates does not mention `{field}`");
    }
}
