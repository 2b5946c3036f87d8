using System.Text.Json.Serialization;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Backlog;

/// <summary>
/// A write the database could not take while it was away, as the outage journal keeps it: a usage
/// record (which carries the hold it settles), the release of a hold, or a fallback attempt. Every
/// one is idempotent by request id, so writing it twice (after a crash, or a commit whose answer was
/// lost) changes nothing the second time.
/// </summary>
internal sealed record BacklogItem
{
    public UsageRecord? Record { get; init; }

    public BudgetHold? Release { get; init; }

    public long ReleasedAt { get; init; }

    public BacklogAttempt? Attempt { get; init; }
}

/// <summary>A fallback attempt noted while the database was away.</summary>
internal sealed record BacklogAttempt(string RequestId, int Attempt, string Provider, string Deployment, long At);

/// <summary>The journal's first line: whose writes the file holds, and for which database (a data directory may have served several).</summary>
internal sealed record BacklogHeader(string Instance, string Database);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BacklogItem))]
[JsonSerializable(typeof(BacklogHeader))]
internal sealed partial class BacklogJson : JsonSerializerContext;
