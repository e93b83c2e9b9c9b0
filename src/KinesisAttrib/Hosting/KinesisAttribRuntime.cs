using System.Runtime.ExceptionServices;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Retrieval;
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
/// failure is logged, kept in <see cref="Failure"/>, and the host is asked to stop; <see cref="StopAsync"/> then throws
/// it, so <c>IHost.Run</c>/<c>RunAsync</c>/<c>StopAsync</c> throw and the process exits non-zero (unless
/// <see cref="KinesisAttribOptions.FailHostOnFatalError"/> is false).
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

        var plans = SchedulerPlanner.Plan(handlers, _options, _services);
        foreach (var plan in plans)
        {
            // A processor that cannot be made (e.g. a custom deserializer whose services are missing) fails the start
            // here, naming the handler, rather than every shard's initialization later.
            plan.NewProcessor(_services);
        }

        // One read-ahead budget for the whole worker: memory stays bounded however many applications and shards it runs.
        var readAhead = new ReadAheadBudget(_options.MaxReadAheadBytesPerWorker);
        foreach (var plan in plans)
        {
            _schedulers.Add(new Scheduler(
                plan.Application,
                plan.Stream,
                plan.Handler.InitialPosition,
                () => plan.NewProcessor(_services),
                kinesis,
                leaseStores.Create(plan.LeaseTable),
                plan.Scheduler,
                _loggerFactory,
                initialTimestamp: plan.Handler.InitialTimestamp,
                multiStreamLeaseKeys: plan.MultiStreamLeaseKeys)
            {
                ReadAheadBudget = readAhead,
            });
        }

        _running = Task.WhenAll(_schedulers.Select(RunSchedulerAsync));
        return Task.CompletedTask;
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
            if (ex is DescribedFailureException described)
            {
                // The message names the service, endpoint and fix; a stack trace would only bury it.
                ShardsLog.SchedulerFailedDescribed(_logger, scheduler.ApplicationName, scheduler.StreamName, described.Message);
            }
            else
            {
                ShardsLog.SchedulerFailed(_logger, ex, scheduler.ApplicationName, scheduler.StreamName);
            }

            Failure ??= ex;
            _lifetime?.StopApplication();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Throws the first scheduler failure (see <see cref="Failure"/>) after every scheduler has stopped, unless
    /// <see cref="KinesisAttribOptions.FailHostOnFatalError"/> is false. The Generic Host rethrows a single hosted
    /// service's stop failure from <c>StopAsync</c>, and so from <c>Run</c>/<c>RunAsync</c>: that is how a fatal error
    /// reaches the process's exit code (.NET 10 does not do it for a failed <c>BackgroundService</c>).
    /// </remarks>
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

        if (Failure is { } failure && _options.FailHostOnFatalError)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        _aborted.Dispose();
    }
}
