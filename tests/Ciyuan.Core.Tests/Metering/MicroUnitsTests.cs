using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Tests.Metering;

public sealed class MicroUnitsTests
{
    [Theory]
    [InlineData("1", 1_000_000)]
    [InlineData("0.000123", 123)]
    [InlineData("0.0000005", 1)]
    [InlineData("0.0000015", 2)]
    [InlineData("0.0000025", 3)]
    [InlineData("0.00000049", 0)]
    [InlineData("-0.0000005", -1)]
    [InlineData("-0.0000025", -3)]
    [InlineData("12345.6789015", 12_345_678_902)]
    public void FromDecimal_HalfMicroUnit_RoundsAwayFromZero(string amount, long expected)
    {
        var value = MicroUnits.FromDecimal(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, value.Value);
    }

    [Fact]
    public void ToDecimal_RoundTripsExactly()
    {
        Assert.Equal(0.000123m, new MicroUnits(123).ToDecimal());
        Assert.Equal(-1.5m, new MicroUnits(-1_500_000).ToDecimal());
        Assert.Equal(new MicroUnits(987_654_321), MicroUnits.FromDecimal(new MicroUnits(987_654_321).ToDecimal()));
    }

    [Theory]
    [InlineData(0, "0.000000")]
    [InlineData(123, "0.000123")]
    [InlineData(1_500_000, "1.500000")]
    [InlineData(-1_500_000, "-1.500000")]
    [InlineData(12_345_678_901, "12345.678901")]
    public void ToString_Always_SixDecimalPlacesInvariant(long value, string expected)
    {
        Assert.Equal(expected, new MicroUnits(value).ToString());
    }

    [Fact]
    public void Operators_AddSubtractCompare_AreExact()
    {
        var a = new MicroUnits(700);
        var b = new MicroUnits(300);

        Assert.Equal(new MicroUnits(1_000), a + b);
        Assert.Equal(new MicroUnits(400), a - b);
        Assert.Equal(a + b, a.Add(b));
        Assert.Equal(a - b, a.Subtract(b));
        Assert.True(b < a);
        Assert.True(a > b);
        Assert.True(a <= new MicroUnits(700));
        Assert.True(a >= new MicroUnits(700));
        Assert.True(a.CompareTo(b) > 0);
        Assert.Equal(new MicroUnits(0), MicroUnits.Zero);
    }

    [Fact]
    public void Add_Overflow_ThrowsInsteadOfWrapping()
    {
        Assert.Throws<OverflowException>(() => new MicroUnits(long.MaxValue) + new MicroUnits(1));
        Assert.Throws<OverflowException>(() => new MicroUnits(long.MinValue) - new MicroUnits(1));
    }
}
