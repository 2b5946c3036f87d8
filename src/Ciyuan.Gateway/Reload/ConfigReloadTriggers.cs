using System.Runtime.InteropServices;
using Ciyuan.Gateway.Diagnostics;

namespace Ciyuan.Gateway.Reload;

/// <summary>
/// Asks for a reload when the config file changes and on SIGHUP. The file is watched two ways: a
/// file-system watcher for an edit seen at once, and a light check every few seconds for what
/// watchers miss (a Kubernetes ConfigMap swaps a symlink; some file systems send no events; the
/// system may be out of watch handles). Bursts of events (an editor writes, renames, touches) are
/// debounced into one reload, and a file whose content did not change is not applied again.
/// </summary>
internal sealed partial class ConfigReloadTriggers(ConfigReloader reloader, ConfigOrigin origin, ILogger<ConfigReloadTriggers> logger) : BackgroundService
{
    /// <summary>How long the file must be quiet before it is read: editors write in several steps.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    /// <summary>How often the file is checked when no watcher event came.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _changed = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var signal = RegisterHangup(stoppingToken);
        if (origin.Paths.ConfigFile is not { } file)
        {
            return;
        }

        using var watcher = Watch(Path.GetFullPath(file));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Woken by the watcher, or by the poll interval: either way the file is read and compared.
                if (await _changed.WaitAsync(PollInterval, stoppingToken).ConfigureAwait(false))
                {
                    await Task.Delay(Debounce, stoppingToken).ConfigureAwait(false);
                    Drain();
                }

                await reloader.ReloadAsync(ReloadTriggers.File, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Drain()
    {
        while (_changed.Wait(0))
        {
        }
    }

    private void Notify()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A reload is already pending; it will read the latest file.
        }
    }

    private FileSystemWatcher? Watch(string file)
    {
        try
        {
            var watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!, Path.GetFileName(file))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Notify();
            watcher.Created += (_, _) => Notify();
            watcher.Renamed += (_, _) => Notify();
            watcher.Error += (_, _) => Notify();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            Log.WatchFailed(logger, file, ex.Message, (int)PollInterval.TotalSeconds);
            return null;
        }
    }

    private PosixSignalRegistration? RegisterHangup(CancellationToken stoppingToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // SIGHUP's default action ends the process; here it means "read the config again".
            context.Cancel = true;
            _ = Task.Run(() => reloader.ReloadAsync(ReloadTriggers.Signal, stoppingToken), stoppingToken);
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ConfigWatchFailed, Level = LogLevel.Warning,
            Message = "Cannot watch {File} for changes ({Reason}); it is checked every {Seconds} s instead")]
        public static partial void WatchFailed(ILogger logger, string file, string reason, int seconds);
    }
}
