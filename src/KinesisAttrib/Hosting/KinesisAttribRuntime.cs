using KinesisAttrib.Diagnostics;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
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

    /// <summary>Created by DI; see <see cref="KinesisAttribServiceCollectionExtensions.AddKinesisAttrib"/>.</summary>
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

        var seen = new Dictionary<(string App, string Stream), string>();

        // An application that consumes several streams shares one lease table between them: its lease keys carry the stream name.
        var streamsPerApplication = handlers
            .GroupBy(h => h.ApplicationName ?? _options.ApplicationName ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(h => _options.StreamNames.TryGetValue(h.StreamName, out var m) ? m : h.StreamName).Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            var application = handler.ApplicationName ?? _options.ApplicationName
                ?? throw new InvalidOperationException($"Handler {handler.HandlerName} names no application: set ApplicationName on its [KinesisHandler] or KinesisAttribOptions.ApplicationName.");
            var stream = _options.StreamNames.TryGetValue(handler.StreamName, out var mapped) ? mapped : handler.StreamName;
            if (seen.TryGetValue((application, stream), out var other))
            {
                throw new InvalidOperationException($"Handlers {other} and {handler.HandlerName} both consume stream '{stream}' as application '{application}'. An application has one handler per stream; give one of them another ApplicationName.");
            }

            seen[(application, stream)] = handler.HandlerName;
            var descriptor = handler;
            _schedulers.Add(new Scheduler(
                application,
                stream,
                handler.InitialPosition,
                () => descriptor.CreateProcessor(_services),
                kinesis,
                leaseStores.Create(application),
                _options,
                _loggerFactory,
                initialTimestamp: handler.InitialTimestamp,
                multiStreamLeaseKeys: streamsPerApplication[application] > 1));
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
