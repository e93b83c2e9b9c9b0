using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KinesisAttrib.Testing;

/// <summary>
/// Runs an application's handlers on an in-memory stream and lease table, in a test: start it with the handlers'
/// registration (e.g. <c>services.AddKinesisHandlersFromMyApp()</c>), put records, and await
/// <see cref="WaitForRecordsHandledAsync"/> or <see cref="WaitForCheckpointAsync(string, string, string?, TimeSpan?)"/>:
/// both return as soon as the condition holds (no polling, no sleeps) and throw a <see cref="TimeoutException"/> saying
/// what was reached when it does not hold in time, or the runtime's failure if it failed meanwhile.
/// </summary>
/// <remarks>
/// "Handled" counts the records of batches whose processing completed (the handler returned, checkpoints included),
/// as the runtime's <c>process</c> spans of this host's worker report them; several hosts may run in one test process.
/// </remarks>
public sealed class KinesisTestHost : IAsyncDisposable
{
    /// <summary>How long the waits wait when no timeout is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static long s_hosts;

    private readonly IHost _host;
    private readonly InMemoryLeaseStoreFactory _leases;
    private readonly ActivityListener _listener;
    private readonly object _gate = new();
    private readonly KinesisAttribRuntime _runtime;
    private long _handled;
    private TaskCompletionSource _handledChanged = NewSignal();
    private bool _stopped;

    private KinesisTestHost(IHost host, InMemoryKinesisClient kinesis, InMemoryLeaseStoreFactory leases, string workerId)
    {
        _host = host;
        Kinesis = kinesis;
        _leases = leases;
        WorkerId = workerId;
        _runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "KinesisAttrib",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnActivityStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The in-memory stream service; put records with it, split or merge shards.</summary>
    public InMemoryKinesisClient Kinesis { get; }

    /// <summary>The host's services (the handlers' dependencies, the runtime).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>This host's worker id (unique in the process).</summary>
    public string WorkerId { get; }

    /// <summary>Records handled so far (see the remarks of <see cref="KinesisTestHost"/>).</summary>
    public long RecordsHandled => Interlocked.Read(ref _handled);

    /// <summary>
    /// Creates <paramref name="streams"/> (each with <paramref name="shardsPerStream"/> shards), registers the runtime
    /// on them with <paramref name="configureServices"/>'s handlers and services, and starts it. Reads are fast
    /// (<see cref="KinesisAttribOptions.IdleTimeBetweenReads"/> 20 ms) and the application name defaults to
    /// <c>test-app</c>; <paramref name="configureOptions"/> runs after these defaults.
    /// </summary>
    /// <param name="configureServices">Adds the handlers (the generated registration) and what they need; fakes go here.</param>
    /// <param name="streams">The streams the handlers read, as written on their attributes.</param>
    /// <param name="shardsPerStream">Shards of each stream.</param>
    /// <param name="configureOptions">Adjusts the runtime's options.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<KinesisTestHost> StartAsync(
        Action<IServiceCollection> configureServices,
        IEnumerable<string> streams,
        int shardsPerStream = 1,
        Action<KinesisAttribOptions>? configureOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsPerStream, 1);

        var kinesis = new InMemoryKinesisClient();
        foreach (var stream in streams)
        {
            await kinesis.CreateStreamAsync(stream, shardsPerStream, cancellationToken).ConfigureAwait(false);
        }

        var leases = new InMemoryLeaseStoreFactory();
        var workerId = $"kinesis-test-host-{Interlocked.Increment(ref s_hosts)}-{Environment.ProcessId}";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddKinesisAttrib(o =>
        {
            o.ApplicationName = KinesisTestData.ApplicationName;
            o.IdleTimeBetweenReads = TimeSpan.FromMilliseconds(20);
            configureOptions?.Invoke(o);
        });
        configureServices(builder.Services);
        builder.Services.AddKinesisAttribInMemory(kinesis, leases);

        // Last, whatever the registrations above set: the handled-record count is told apart by this worker id.
        builder.Services.PostConfigure<KinesisAttribOptions>(o => o.WorkerId = workerId);

        var host = builder.Build();
        var testHost = new KinesisTestHost(host, kinesis, leases, workerId);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await testHost.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return testHost;
    }

    /// <summary>Puts one record on <paramref name="streamName"/>.</summary>
    public Task<PutRecordResponse> PutAsync(string streamName, ReadOnlyMemory<byte> data, string partitionKey = KinesisTestData.PartitionKey, CancellationToken cancellationToken = default)
        => Kinesis.PutRecordAsync(new PutRecordRequest { StreamName = streamName, Data = data, PartitionKey = partitionKey }, cancellationToken);

    /// <summary>Puts <paramref name="text"/> in UTF-8 on <paramref name="streamName"/>.</summary>
    public Task<PutRecordResponse> PutTextAsync(string streamName, string text, string partitionKey = KinesisTestData.PartitionKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PutAsync(streamName, Encoding.UTF8.GetBytes(text), partitionKey, cancellationToken);
    }

    /// <summary>Puts <paramref name="value"/> as JSON (source-generated metadata, e.g. <c>MyJsonContext.Default.Order</c>) on <paramref name="streamName"/>.</summary>
    public Task<PutRecordResponse> PutJsonAsync<T>(string streamName, T value, JsonTypeInfo<T> jsonTypeInfo, string partitionKey = KinesisTestData.PartitionKey, CancellationToken cancellationToken = default)
        => PutAsync(streamName, JsonSerializer.SerializeToUtf8Bytes(value, jsonTypeInfo), partitionKey, cancellationToken);

    /// <summary>Puts a KPL aggregate on <paramref name="streamName"/> as one Kinesis record (the runtime hands its user records to the handlers).</summary>
    public Task<PutRecordResponse> PutAggregateAsync(string streamName, KplAggregate aggregate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        if (aggregate.Count == 0)
        {
            throw new ArgumentException("The aggregate holds no user record.", nameof(aggregate));
        }

        return PutAsync(streamName, aggregate.ToBytes(), aggregate.UserRecords[0].PartitionKey, cancellationToken);
    }

    /// <summary>Waits until at least <paramref name="count"/> records were handled in all (by every handler of this host together).</summary>
    public async Task WaitForRecordsHandledAsync(long count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _handledChanged.Task;
            }

            if (RecordsHandled >= count)
            {
                return;
            }

            if (!await WaitAsync(changed, deadline.Token).ConfigureAwait(false))
            {
                throw new TimeoutException($"{RecordsHandled} of {count} records were handled within {timeout ?? DefaultTimeout}.");
            }
        }
    }

    /// <summary>
    /// Waits until the lease of <paramref name="shardId"/> holds a checkpoint at or past <paramref name="sequenceNumber"/>
    /// (<c>SHARD_END</c> waits for the end of a closed shard), for <paramref name="applicationName"/> or any application.
    /// </summary>
    public async Task WaitForCheckpointAsync(string shardId, string sequenceNumber, string? applicationName = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        ArgumentException.ThrowIfNullOrEmpty(sequenceNumber);
        var target = new ExtendedSequenceNumber(sequenceNumber);
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            // The signals are taken before the leases are read, so a write in between is not missed.
            var signals = new List<Task> { _leases.StoreCreated };
            var found = new List<string>();
            foreach (var (table, store) in _leases.Stores)
            {
                if (applicationName is not null && table != applicationName && !table.StartsWith(applicationName + "-", StringComparison.Ordinal))
                {
                    continue;
                }

                signals.Add(store.Changed);
                foreach (var lease in await store.ListLeasesAsync().ConfigureAwait(false))
                {
                    if (lease.LeaseKey != shardId && !lease.LeaseKey.EndsWith(":" + shardId, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (Reached(lease.Checkpoint, target))
                    {
                        return;
                    }

                    found.Add($"{table}: {lease.Checkpoint}");
                }
            }

            if (!await WaitAsync(Task.WhenAny(signals), deadline.Token).ConfigureAwait(false))
            {
                var state = found.Count == 0 ? "no lease for it yet" : "checkpoints " + string.Join(", ", found);
                throw new TimeoutException($"Shard {shardId} was not checkpointed at {sequenceNumber} within {timeout ?? DefaultTimeout} ({state}).");
            }
        }
    }

    /// <summary>Waits until the shard that received <paramref name="put"/> is checkpointed at or past that record.</summary>
    public Task WaitForCheckpointAsync(PutRecordResponse put, string? applicationName = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(put);
        return WaitForCheckpointAsync(put.ShardId, put.SequenceNumber, applicationName, timeout);
    }

    /// <summary>Stops the runtime (processors finish their batch and checkpoint) and rethrows a failure that stopped it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await _host.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _listener.Dispose();
        }
    }

    /// <summary>Stops the runtime if it is running, and releases the host.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static bool Reached(ExtendedSequenceNumber checkpoint, ExtendedSequenceNumber target)
        => target.IsShardEnd
            ? checkpoint.IsShardEnd
            : checkpoint.IsShardEnd || (!checkpoint.IsSentinel && ExtendedSequenceNumber.Compare(checkpoint, target) >= 0);

    // True when the signal came; false at the deadline; throws when the runtime ended first (its failure, if any).
    private async Task<bool> WaitAsync(Task signal, CancellationToken deadline)
    {
        var timeout = Task.Delay(Timeout.Infinite, deadline);
        var first = await Task.WhenAny(signal, _runtime.Completion, timeout).ConfigureAwait(false);
        if (first == signal)
        {
            return true;
        }

        if (first == timeout)
        {
            return false;
        }

        throw _runtime.Failure is { } failure
            ? new InvalidOperationException($"The KinesisAttrib runtime failed: {failure.Message}", failure)
            : new InvalidOperationException("The KinesisAttrib runtime is not running (stopped, or no handler was registered).");
    }

    private void OnActivityStopped(Activity activity)
    {
        if (activity.Status != ActivityStatusCode.Ok
            || !activity.OperationName.StartsWith("process ", StringComparison.Ordinal)
            || activity.GetTagItem("messaging.client.id") as string != WorkerId
            || activity.GetTagItem("messaging.batch.message_count") is not int count)
        {
            return;
        }

        Interlocked.Add(ref _handled, count);
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _handledChanged;
            _handledChanged = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
