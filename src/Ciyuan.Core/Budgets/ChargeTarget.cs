namespace Ciyuan.Core.Budgets;

/// <summary>Whom a request is charged to: its key (and the key's project), its run if it named one, and its model.</summary>
public sealed record ChargeTarget(string KeyId, string KeyName, string? Project, string? RunId, string Model);
