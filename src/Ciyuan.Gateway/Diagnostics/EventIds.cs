namespace Ciyuan.Gateway.Diagnostics;

/// <summary>Every log event id in one place, so operators can filter on stable numbers.</summary>
internal static class EventIds
{
    public const int Started = 1000;
    public const int AdminDisabled = 1001;
    public const int NoModels = 1002;
    public const int AdminRefused = 1003;
    public const int DashboardSignIn = 1004;
    public const int DashboardFeedFailed = 1005;
    public const int KeyReloadFailed = 1100;
    public const int BudgetReloadFailed = 1101;
    public const int InDoubtFound = 1102;
    public const int StorageOpened = 1105;
    public const int SecretsScrubbed = 1106;
    public const int RetentionApplied = 1103;
    public const int MaintenanceFailed = 1104;
    public const int ConfigReloaded = 1200;
    public const int ConfigReloadRejected = 1201;
    public const int ConfigWarning = 1202;
    public const int ConfigUnchanged = 1203;
    public const int ConfigWatchFailed = 1204;
    public const int DrainStarted = 1210;
    public const int DrainListenerClosing = 1211;
    public const int DrainDeadline = 1212;
    public const int DrainFinished = 1213;
    public const int UpstreamFailed = 2000;
    public const int StreamFailed = 2001;
    public const int ClientDisconnected = 2002;
    public const int UnhandledError = 2004;
    public const int RequestCompleted = 2005;
    public const int LedgerFailed = 3000;
    public const int HoldReleaseFailed = 3001;
    public const int ReserveFailed = 3002;
    public const int KeepFailed = 3003;
    public const int ResponsesPruned = 1108;
}
