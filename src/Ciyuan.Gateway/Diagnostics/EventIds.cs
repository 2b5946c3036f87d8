namespace Ciyuan.Gateway.Diagnostics;

/// <summary>Every log event id in one place, so operators can filter on stable numbers.</summary>
internal static class EventIds
{
    public const int Started = 1000;
    public const int AdminDisabled = 1001;
    public const int NoModels = 1002;
    public const int KeyReloadFailed = 1100;
    public const int BudgetReloadFailed = 1101;
    public const int InDoubtFound = 1102;
    public const int StorageOpened = 1105;
    public const int SecretsScrubbed = 1106;
    public const int PolicyNeverSatisfied = 1107;
    public const int RetentionApplied = 1103;
    public const int MaintenanceFailed = 1104;
    public const int UpstreamFailed = 2000;
    public const int StreamFailed = 2001;
    public const int ClientDisconnected = 2002;
    public const int Unpriced = 2003;
    public const int UnhandledError = 2004;
    public const int RequestCompleted = 2005;
    public const int LedgerFailed = 3000;
    public const int HoldReleaseFailed = 3001;
    public const int ReserveFailed = 3002;
}
