using System.Globalization;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Gateway.Relay;

/// <summary>The <c>X-Ciyuan-*</c> headers of an answer: where it went, and (not streaming) what it cost.</summary>
internal static class AnswerHeaders
{
    public static void SetRouting(ClientExchange client, GatewayContext context, DeploymentConfig deployment)
    {
        client.SetHeader(CiyuanHeaders.Provider, deployment.Provider.Name);
        client.SetHeader(CiyuanHeaders.Deployment, deployment.Id);
        client.SetHeader(CiyuanHeaders.Attempts, context.Attempts.ToString(CultureInfo.InvariantCulture));
    }

    public static void SetCost(ClientExchange client, UsageRecord record)
    {
        if (record.Unpriced)
        {
            return;
        }

        if (record.Currency == Currencies.Usd)
        {
            client.SetHeader(CiyuanHeaders.CostUsd, record.Cost.ToString());
        }
        else
        {
            client.SetHeader(CiyuanHeaders.Cost, record.Cost.ToString());
            client.SetHeader(CiyuanHeaders.Currency, record.Currency);
        }
    }
}
