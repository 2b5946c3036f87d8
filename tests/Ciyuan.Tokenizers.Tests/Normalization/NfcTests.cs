using Ciyuan.Tokenizers.Normalization;

namespace Ciyuan.Tokenizers.Tests.Normalization;

public sealed class NfcTests
{
    [Theory]
    [InlineData("e\u0301", "\u00E9")]
    [InlineData("a\u0323\u0302", "\u1EAD")]
    [InlineData("a\u0302\u0323", "\u1EAD")]
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]
    [InlineData("\u2126", "\u03A9")]
    [InlineData("\u0958", "\u0915\u093C")]
    [InlineData("plain ascii", "plain ascii")]
    public void Normalize_Input_ReturnsNfc(string input, string expected)
    {
        Assert.Equal(expected, Nfc.Normalize(input));
    }

    [Fact]
    public void Normalize_UnpairedSurrogate_BecomesReplacementCharacter()
    {
        Assert.Equal("\uFFFDx", Nfc.Normalize("\uD800x"));
    }

    [Theory]
    [InlineData("already NFC café 中文 한국어", true)]
    [InlineData("e\u0301", false)]
    [InlineData("\u2126", false)]
    public void IsQuickNormalized_Input_ReportsQuickCheck(string input, bool expected)
    {
        Assert.Equal(expected, Nfc.IsQuickNormalized(input));
    }
}
