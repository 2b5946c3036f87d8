using System.Security.Cryptography;
using System.Text;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Keys;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;
using Ciyuan.Providers.Http;

namespace Ciyuan.Gateway.Reload;

/// <summary>
/// Applies a changed config file without a restart. The new file is parsed and validated as fully
/// as at start-up (fields, tokenizer files, every policy a key names); if anything is wrong the
/// gateway keeps running on what it has and the error is kept for <c>/readyz</c> and
/// <c>/admin/reload</c>. If it is valid, the new generation replaces the old in one write: requests
/// in flight finish on the generation they started with, new ones take the new one, and
/// deployments that still exist keep their circuits and latency averages. Settings the running
/// process cannot change (where it listens, its storage, its body limit, its exporters and log format) are refused with a message
/// that says to restart.
/// </summary>
internal sealed partial class ConfigReloader(
    LiveConfig live,
    ConfigOrigin origin,
    ProviderHttpClients clients,
    IKeyStore keys,
    BudgetLines budgetLines,
    TimeProvider time,
    ILogger<ConfigReloader> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _appliedHash;
    private byte[]? _seenHash;
    private volatile ReloadOutcome? _last;

    /// <summary>The most recent reload's outcome; null until the first.</summary>
    public ReloadOutcome? Last => _last;

    /// <summary>The last reload was refused: the gateway is serving an older file than the one on disk.</summary>
    public bool IsStale => _last?.Status == ReloadOutcome.Rejected;

    /// <summary>
    /// Start-up: notes the file text the gateway started from (so an unchanged file is not applied
    /// again) and checks the first generation as a reload would.
    /// </summary>
    /// <exception cref="ConfigException">A key names a policy the config does not define.</exception>
    public async Task StartAsync(string? yaml, CancellationToken cancellationToken)
    {
        _appliedHash = _seenHash = yaml is null ? null : Hash(yaml);
        foreach (var warning in await CheckAsync(live.Current, cancellationToken).ConfigureAwait(false))
        {
            Log.ConfigWarning(logger, warning);
        }
    }

    /// <summary>Reads, checks and applies the config file; one reload at a time.</summary>
    public async Task<ReloadOutcome> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var outcome = await ApplyAsync(trigger, cancellationToken).ConfigureAwait(false);
            if (outcome.Status != ReloadOutcome.Unchanged)
            {
                // An unchanged file leaves the last verdict standing: a refused file stays reported until it is fixed.
                _last = outcome;
                Report(outcome);
            }

            return outcome;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ReloadOutcome> ApplyAsync(string trigger, CancellationToken cancellationToken)
    {
        var current = live.Current;
        var path = origin.Paths.ConfigFile;
        if (path is null)
        {
            return Outcome(ReloadOutcome.Rejected, current, trigger, null) with
            {
                Error = "the gateway was started without a config file; there is nothing to reload (start it with --config or CIYUAN_CONFIG)",
                ErrorPath = string.Empty,
            };
        }

        GatewaySnapshot next;
        IReadOnlyList<string> warnings;
        byte[] hash;
        try
        {
            var yaml = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            hash = Hash(yaml);
            var isApplied = _appliedHash is not null && hash.AsSpan().SequenceEqual(_appliedHash);
            var wasSeen = _seenHash is not null && hash.AsSpan().SequenceEqual(_seenHash);

            // The watcher sees a refused file once; asking again (SIGHUP, the API) checks it again.
            if ((isApplied && !IsStale) || (wasSeen && trigger == ReloadTriggers.File))
            {
                return Outcome(ReloadOutcome.Unchanged, current, trigger, path);
            }

            _seenHash = hash;
            var config = CiyuanConfigSource.Parse(yaml, path);
            RefuseFixedChanges(current.Config, config);
            next = GatewaySnapshot.Build(config, origin.MasterKey, clients, time, current);
            warnings = await CheckAsync(next, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            return Outcome(ReloadOutcome.Rejected, current, trigger, path) with { Error = ex.Message, ErrorPath = ex.Path };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store could not be asked which policies keys name (or some other fault): keep serving, say why.
            return Outcome(ReloadOutcome.Rejected, current, trigger, path) with { Error = $"the new configuration could not be checked: {ex.Message}", ErrorPath = string.Empty };
        }

        var applied = Outcome(ReloadOutcome.Applied, next, trigger, path) with { Warnings = warnings };

        // The verdict is recorded before the swap, so whoever sees the new generation (on /readyz)
        // also sees how it came to be.
        _last = applied;
        live.Replace(next);
        budgetLines.UseConfig();
        _appliedHash = hash;
        return applied;
    }

    /// <summary>What start-up checks as well: every policy a key names exists; warnings for what will not serve as expected.</summary>
    private async Task<IReadOnlyList<string>> CheckAsync(GatewaySnapshot snapshot, CancellationToken cancellationToken)
    {
        var keyPolicies = (await keys.ListAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.Policy).OfType<string>();
        var warnings = Core.Routing.PrivacyPolicyValidator
            .ThrowIfUndefined(snapshot.Routing.Policies, keyPolicies, [.. snapshot.State.Aliases.Values])
            .Select(v => v.Message)
            .ToList();
        warnings.AddRange(snapshot.State.Unpriced.Select(d =>
            $"Deployment {d} has no price in config or catalog: it is served, and its ledger rows are flagged unpriced (cost 0 is not 'free'). Add price: to the deployment."));
        return warnings;
    }

    /// <summary>Settings bound when the process started: changing them needs a restart.</summary>
    private static void RefuseFixedChanges(CiyuanConfig running, CiyuanConfig next)
    {
        if (!string.Equals(running.Server.Urls, next.Server.Urls, StringComparison.Ordinal))
        {
            throw new ConfigException("server.urls", "where the gateway listens cannot change while it runs; restart it to apply");
        }

        if (running.Server.MaxBodyBytes != next.Server.MaxBodyBytes)
        {
            throw new ConfigException("server.max_body_bytes", "the listener's body limit cannot change while the gateway runs; restart it to apply");
        }

        if (running.Server.Ui != next.Server.Ui)
        {
            throw new ConfigException("server.ui", "the dashboard's routes are mapped when the gateway starts; restart it to turn the dashboard on or off");
        }

        // Retention (of request lines and of stored responses) is read by the hourly upkeep and may
        // change; the backend and its options may not.
        if (next.Storage with { RetentionDays = running.Storage.RetentionDays, ResponsesRetentionDays = running.Storage.ResponsesRetentionDays } != running.Storage)
        {
            throw new ConfigException("storage", "the storage backend and its options cannot change while the gateway runs; restart it to apply");
        }

        // The exporters are set up once: whether /metrics exists, where spans go and how many are
        // sampled, how log lines are written. What each request reads (metrics.per_key,
        // telemetry.capture_content, logging.requests, server.metrics_token) reloads.
        if (running.Metrics.Enabled != next.Metrics.Enabled)
        {
            throw new ConfigException("metrics.enabled", "/metrics cannot be turned on or off while the gateway runs; restart it to apply");
        }

        if (next.Telemetry with { CaptureContent = running.Telemetry.CaptureContent } != running.Telemetry)
        {
            throw new ConfigException("telemetry", "the trace exporter (endpoint, protocol, headers, service name, sampling) cannot change while the gateway runs; restart it to apply");
        }

        if (running.Logging.Format != next.Logging.Format)
        {
            throw new ConfigException("logging.format", "the log format cannot change while the gateway runs; restart it to apply");
        }
    }

    private static async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(string.Empty, $"cannot read config file '{path}': {ex.Message}");
        }
    }

    public void Dispose() => _gate.Dispose();

    private static byte[] Hash(string yaml) => SHA256.HashData(Encoding.UTF8.GetBytes(yaml));

    private ReloadOutcome Outcome(string status, GatewaySnapshot serving, string trigger, string? path) => new()
    {
        Status = status,
        Generation = serving.Generation,
        Trigger = trigger,
        At = time.GetUtcNow(),
        File = path,
    };

    private void Report(ReloadOutcome outcome)
    {
        switch (outcome.Status)
        {
            case ReloadOutcome.Applied:
                var config = live.Current.Config;
                Log.Reloaded(logger, outcome.Generation, outcome.File ?? string.Empty, outcome.Trigger, config.Models.Count, config.Providers.Count);
                foreach (var warning in outcome.Warnings)
                {
                    Log.ConfigWarning(logger, warning);
                }

                break;
            case ReloadOutcome.Rejected:
                Log.ReloadRejected(logger, outcome.File ?? "(no file)", outcome.Error ?? string.Empty, outcome.Generation);
                break;
            default:
                Log.ReloadUnchanged(logger, outcome.Trigger);
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ConfigReloaded, Level = LogLevel.Information,
            Message = "Configuration reloaded from {File} (generation {Generation}, on {Trigger}): {Models} model(s), {Providers} provider(s); requests in flight finish on the previous one")]
        public static partial void Reloaded(ILogger logger, long generation, string file, string trigger, int models, int providers);

        [LoggerMessage(EventId = EventIds.ConfigReloadRejected, Level = LogLevel.Error,
            Message = "Configuration in {File} not applied: {Error}. Still serving generation {Generation}.")]
        public static partial void ReloadRejected(ILogger logger, string file, string error, long generation);

        [LoggerMessage(EventId = EventIds.ConfigWarning, Level = LogLevel.Warning, Message = "{Warning}")]
        public static partial void ConfigWarning(ILogger logger, string warning);

        [LoggerMessage(EventId = EventIds.ConfigUnchanged, Level = LogLevel.Debug, Message = "Config file unchanged ({Trigger}); nothing to reload")]
        public static partial void ReloadUnchanged(ILogger logger, string trigger);
    }
}
