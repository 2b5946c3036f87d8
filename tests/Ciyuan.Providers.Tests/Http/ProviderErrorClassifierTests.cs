using Ciyuan.Core.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Providers.Tests.Http;

public sealed class ProviderErrorClassifierTests
{
    [Theory]
    [InlineData("ARREARAGE", ProviderFailureKind.OutOfBalance)]
    [InlineData("insufficient_QUOTA", ProviderFailureKind.OutOfBalance)]
    [InlineData("Throttling.RateQuota", ProviderFailureKind.RateLimited)]
    [InlineData("RateLimitExceeded.EndpointTPMExceeded", ProviderFailureKind.RateLimited)]
    [InlineData("InvalidEndpointOrModel.NotFound", ProviderFailureKind.NotFound)]
    [InlineData("1220", ProviderFailureKind.PermissionDenied)]
    [InlineData("minimax:1039", ProviderFailureKind.ContextTooLong)]
    [InlineData("minimax:1027", ProviderFailureKind.ContentFiltered)]
    public void Classify_KnownCode_WinsOverStatus(string code, ProviderFailureKind expected)
    {
        // 200 would otherwise be a bad request: the body code decides.
        Assert.Equal(expected, ProviderErrorClassifier.Classify(200, code, null, null));
    }

    [Fact]
    public void Classify_CodeBeforeType_CodeWins()
    {
        Assert.Equal(
            ProviderFailureKind.OutOfBalance,
            ProviderErrorClassifier.Classify(429, "insufficient_quota", "rate_limit_error", "slow down"));
    }

    [Fact]
    public void Classify_UnknownCodeKnownType_UsesType()
    {
        Assert.Equal(ProviderFailureKind.Overloaded, ProviderErrorClassifier.Classify(500, "E123", "overloaded_error", null));
    }

    [Fact]
    public void Classify_BalanceMessageOn429_IsOutOfBalanceNotRateLimit()
    {
        Assert.Equal(ProviderFailureKind.OutOfBalance, ProviderErrorClassifier.Classify(429, null, null, "Insufficient Balance"));
    }

    [Theory]
    [InlineData(404, ProviderFailureKind.NotFound)]
    [InlineData(403, ProviderFailureKind.PermissionDenied)]
    [InlineData(418, ProviderFailureKind.BadRequest)]
    [InlineData(422, ProviderFailureKind.BadRequest)]
    [InlineData(504, ProviderFailureKind.UpstreamError)]
    [InlineData(599, ProviderFailureKind.UpstreamError)]
    public void Classify_NothingInBody_FallsBackToStatus(int status, ProviderFailureKind expected)
    {
        Assert.Equal(expected, ProviderErrorClassifier.Classify(status, null, null, null));
    }

    [Theory]
    [InlineData(ProviderFailureKind.BadRequest, false)]
    [InlineData(ProviderFailureKind.Authentication, false)]
    [InlineData(ProviderFailureKind.OutOfBalance, false)]
    [InlineData(ProviderFailureKind.PermissionDenied, false)]
    [InlineData(ProviderFailureKind.NotFound, false)]
    [InlineData(ProviderFailureKind.RateLimited, true)]
    [InlineData(ProviderFailureKind.ContentFiltered, false)]
    [InlineData(ProviderFailureKind.ContextTooLong, false)]
    [InlineData(ProviderFailureKind.Overloaded, true)]
    [InlineData(ProviderFailureKind.UpstreamError, true)]
    [InlineData(ProviderFailureKind.Unreachable, true)]
    [InlineData(ProviderFailureKind.Timeout, true)]
    public void IsRetryable_Kind_OnlyTransientFailures(ProviderFailureKind kind, bool expected)
    {
        Assert.Equal(expected, new ProviderFailure(kind, 500, "m").IsRetryable);
    }

    [Fact]
    public void IsRetryable_EveryKindCovered()
    {
        var retryable = Enum.GetValues<ProviderFailureKind>().Where(kind => new ProviderFailure(kind, null, "m").IsRetryable);

        Assert.Equal(
            new[] { ProviderFailureKind.RateLimited, ProviderFailureKind.Overloaded, ProviderFailureKind.UpstreamError, ProviderFailureKind.Unreachable, ProviderFailureKind.Timeout },
            retryable);
    }

    [Theory]
    [InlineData(402, """{"error":{"message":"Insufficient Balance","type":"unknown_error","code":"invalid_request_error"}}""")]
    [InlineData(429, """{"error":{"code":"1113","message":"Insufficient balance"}}""")]
    [InlineData(429, """{"error":{"type":"exceeded_current_quota_error","message":"suspended"}}""")]
    [InlineData(400, """{"error":{"code":"Arrearage","message":"Access denied"}}""")]
    [InlineData(403, """{"error":{"code":"AccountOverdueError","message":"overdue"}}""")]
    [InlineData(200, """{"base_resp":{"status_code":1008,"status_msg":"insufficient balance"}}""")]
    public void Read_BalanceErrors_AreNeverRetried(int status, string body)
    {
        var failure = ProviderErrorReader.Read(status, System.Text.Encoding.UTF8.GetBytes(body), retryAfter: null);

        Assert.Equal(ProviderFailureKind.OutOfBalance, failure.Kind);
        Assert.False(failure.IsRetryable);
    }
}
