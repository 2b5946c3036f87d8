using System.Globalization;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Http;

namespace Ciyuan.Pipeline;

/// <summary>The <c>X-Ciyuan-*</c> response headers.</summary>
internal static class ResponseHeaders
{
    public static void SetRouting(HttpResponse response, RequestContext request, DeploymentConfig deployment)
    {
        var headers = response.Headers;
        headers[CiyuanHeaders.Provider] = deployment.Provider.Name;
        headers[CiyuanHeaders.Deployment] = deployment.Id;
        headers[CiyuanHeaders.Attempts] = request.Attempts.ToString(CultureInfo.InvariantCulture);
    }

    public static void SetCost(HttpResponse response, UsageRecord record)
    {
        if (record.Unpriced)
        {
            return;
        }

        if (record.Currency == "USD")
        {
            response.Headers[CiyuanHeaders.CostUsd] = record.Cost.ToString();
        }
        else
        {
            response.Headers[CiyuanHeaders.Cost] = record.Cost.ToString();
            response.Headers[CiyuanHeaders.Currency] = record.Currency;
        }
    }
}
