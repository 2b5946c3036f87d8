using System.Text.Json.Serialization;

namespace Ciyuan.Http;

/// <summary>Body of <c>POST /admin/keys</c>.</summary>
internal sealed record CreateKeyRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("budget_usd")] decimal? BudgetUsd,
    [property: JsonPropertyName("rpm")] int? Rpm,
    [property: JsonPropertyName("policy")] string? Policy)
{
    [JsonPropertyName("tpm")]
    public long? Tpm { get; init; }

    [JsonPropertyName("max_concurrency")]
    public int? MaxConcurrency { get; init; }

    [JsonPropertyName("project")]
    public string? Project { get; init; }
}

[JsonSerializable(typeof(CreateKeyRequest))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
