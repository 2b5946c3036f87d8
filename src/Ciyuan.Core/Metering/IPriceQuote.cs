namespace Ciyuan.Core.Metering;

/// <summary>The price of one deployment, able to cost a usage record at a moment in time (prices may vary by hour).</summary>
public interface IPriceQuote
{
    string Currency { get; }

    MicroUnits Cost(TokenUsage usage, DateTimeOffset at);
}
