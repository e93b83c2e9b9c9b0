using KinesisAttrib.Diagnostics;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KinesisAttrib.Hosting;

/// <summary>
/// The hosted runtime: one <see cref="Scheduler"/> per (application, stream) of the registered handlers. Starts
/// them with the host; on host stop each finishes the batch in hand, checkpoints, and releases its leases within
/// <see cref="KinesisAttribOptions.ShutdownTimeout"/>. When a scheduler fails (e.g. the stream does not exist) the
/// failure is logged, kept in <see cref="Failure"/>, and the host is asked to stop.
/// </summary>
public sealed class KinesisAttribRuntime : IHostedService, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly KinesisAttribOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborted = new();
    private readonly List<Scheduler> _schedulers = [];
    private Task _running = Task.CompletedTask;

    /// <summary>Created by DI; see <see cref="KinesisAttribServiceCollectionExtensions.AddKinesisAttrib(IServiceCollection, Action{KinesisAttribOptions}?)"/>.</summary>
    public KinesisAttribRuntime(IServiceProvider services, IOptions<KinesisAttribOptions> options, ILoggerFactory? loggerFactory = null, IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _options = options.Value;
        _loggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("KinesisAttrib.Runtime");
        _lifetime = lifetime;
    }

    /// <summary>The schedulers started by <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<Scheduler> Schedulers => _schedulers;

    /// <summary>The first scheduler failure, if any.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Completes when every scheduler has stopped.</summary>
    public Task Completion => _running;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        var handlers = _services.GetServices<KinesisHandlerDescriptor>().ToList();
        var kinesis = _services.GetRequiredService<IKinesisClient>();
        var leaseStores = _services.GetRequiredService<ILeaseStoreFactory>();

        var plans = Plan(handlers, _options);
        foreach (var plan in plans)
        {
            // Settings that cannot run (e.g. a retry limit without an on-failure destination) fail the start here,
            // naming the handler, rather than every shard's initialization later.
            if (plan.Handler.CreateProcessor(_services) is IStartupCheckedProcessor check)
            {
                check.CheckAtStartup(plan.Application);
            }
        }

        foreach (var plan in plans)
        {
            var descriptor = plan.Handler;
            _schedulers.Add(new Scheduler(
                plan.Application,
                plan.Stream,
                descriptor.InitialPosition,
                () => descriptor.CreateProcessor(_services),
                kinesis,
                leaseStores.Create(plan.LeaseTable),
                plan.Options,
                _loggerFactory,
                initialTimestamp: descriptor.InitialTimestamp,
                multiStreamLeaseKeys: plan.MultiStreamLeaseKeys));
        }

        _running = Task.WhenAll(_schedulers.Select(RunSchedulerAsync));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Checks the handlers against each other and the options, and works out for each its application, stream, lease
    /// table and options (global options, then the handler's attribute, then the application's overrides). Everything
    /// wrong is found here, before any scheduler starts, with a message naming the handler.
    /// </summary>
    internal static IReadOnlyList<SchedulerPlan> Plan(IReadOnlyList<KinesisHandlerDescriptor> handlers, KinesisAttribOptions options)
    {
        var resolved = new List<(KinesisHandlerDescriptor Handler, string Application, string Stream)>();
        var seen = new Dictionary<(string App, string Stream), string>();
        foreach (var handler in handlers)
        {
            var application = handler.ApplicationName ?? options.ApplicationName
                ?? throw new InvalidOperationException($"Handler {handler.HandlerName} names no application: set ApplicationName on its [KinesisHandler], on [assembly: KinesisHandlerDefaults], or KinesisAttribOptions.ApplicationName (configuration KinesisAttrib:ApplicationName).");
            var stream = options.StreamNames.TryGetValue(handler.StreamName, out var mapped) ? mapped : handler.StreamName;
            if (seen.TryGetValue((application, stream), out var other))
            {
                throw new InvalidOperationException($"Handlers {other} and {handler.HandlerName} both consume stream '{stream}' as application '{application}'. An application has one handler per stream; give one of them another ApplicationName.");
            }

            if (handler.InitialPosition == Handlers.InitialPosition.AtTimestamp && handler.InitialTimestamp is null)
            {
                throw new InvalidOperationException($"Handler {handler.HandlerName} starts AtTimestamp but has no InitialTimestamp.");
            }

            seen[(application, stream)] = handler.HandlerName;
            resolved.Add((handler, application, stream));
        }

        foreach (var name in options.Applications.Keys)
        {
            if (!resolved.Any(r => r.Application == name))
            {
                throw new InvalidOperationException($"KinesisAttrib:Applications:{name} configures an application no handler uses (known: {string.Join(", ", resolved.Select(r => r.Application).Distinct().Order(StringComparer.Ordinal))}).");
            }
        }

        var streamsPerApplication = resolved.GroupBy(r => r.Application).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        // The KCL single-stream lease schema keys leases by shard id, and shard ids repeat across streams: by default an
        // application that consumes several streams keeps one lease table per stream. When its configured
        // LeaseTableName puts several of its streams in one table, that table's lease keys carry the stream name
        // ("{stream}:{shardId}") and each scheduler sees only its own stream's leases. Two applications never share a table.
        var tables = new Dictionary<string, (string Application, string Handler)>(StringComparer.Ordinal);
        var streamsPerTable = new Dictionary<string, int>(StringComparer.Ordinal);
        var planned = new List<(KinesisHandlerDescriptor Handler, string Application, string Stream, string Table, KinesisAttribOptions Options)>(resolved.Count);
        foreach (var (handler, application, stream) in resolved)
        {
            options.Applications.TryGetValue(application, out var overrides);
            var table = overrides?.LeaseTableName
                ?? (streamsPerApplication[application] > 1 ? $"{application}-{stream}" : application);
            if (tables.TryGetValue(table, out var owner) && owner.Application != application)
            {
                throw new InvalidOperationException($"Handlers {owner.Handler} and {handler.HandlerName} would share lease table '{table}' across applications '{owner.Application}' and '{application}'; give one of the applications another LeaseTableName.");
            }

            tables[table] = (application, handler.HandlerName);
            streamsPerTable[table] = streamsPerTable.GetValueOrDefault(table) + 1;
            var effective = ForScheduler(options, handler, overrides);
            try
            {
                effective.Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new InvalidOperationException($"Handler {handler.HandlerName} (application '{application}', stream '{stream}'): {ex.Message}", ex);
            }

            planned.Add((handler, application, stream, table, effective));
        }

        var plans = planned
            .Select(p => new SchedulerPlan(p.Handler, p.Application, p.Stream, p.Table, p.Options, MultiStreamLeaseKeys: streamsPerTable[p.Table] > 1))
            .ToList();
        return plans;
    }

    /// <summary>The options one scheduler runs with: a copy of the global options with the handler's and then the application's overrides.</summary>
    internal static KinesisAttribOptions ForScheduler(KinesisAttribOptions options, KinesisHandlerDescriptor handler, KinesisApplicationOptions? application)
    {
        var copy = options.Clone();
        copy.MaxRecords = application?.MaxRecords ?? handler.MaxRecords ?? copy.MaxRecords;
        copy.IdleTimeBetweenReads = application?.IdleTimeBetweenReads ?? handler.IdleTimeBetweenReads ?? copy.IdleTimeBetweenReads;
        copy.FailoverTime = application?.FailoverTime ?? copy.FailoverTime;
        copy.ShardSyncInterval = application?.ShardSyncInterval ?? copy.ShardSyncInterval;
        copy.ProcessingRetryDelay = application?.ProcessingRetryDelay ?? copy.ProcessingRetryDelay;
        return copy;
    }

    private async Task RunSchedulerAsync(Scheduler scheduler)
    {
        await Task.Yield();
        try
        {
            await scheduler.RunAsync(_stopping.Token, _aborted.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            KinesisAttribLog.SchedulerFailed(_logger, ex, scheduler.ApplicationName, scheduler.StreamName);
            Failure ??= ex;
            _lifetime?.StopApplication();
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.WaitAsync(_options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            await _aborted.CancelAsync().ConfigureAwait(false);
            await _running.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        _aborted.Dispose();
    }
}

/// <summary>What the runtime starts for one handler.</summary>
/// <param name="Handler">The handler.</param>
/// <param name="Application">Its application name.</param>
/// <param name="Stream">The stream actually consumed (after <see cref="KinesisAttribOptions.StreamNames"/>).</param>
/// <param name="LeaseTable">The lease table.</param>
/// <param name="Options">The scheduler's own options.</param>
/// <param name="MultiStreamLeaseKeys">Whether the table holds several streams of the application, so lease keys carry the stream name.</param>
internal sealed record SchedulerPlan(KinesisHandlerDescriptor Handler, string Application, string Stream, string LeaseTable, KinesisAttribOptions Options, bool MultiStreamLeaseKeys = false);
