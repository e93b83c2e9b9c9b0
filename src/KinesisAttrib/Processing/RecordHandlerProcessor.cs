using KinesisAttrib.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Processing;

/// <summary>
/// The processor generated code plugs into for a per-record handler: for each batch it opens a DI scope, decodes
/// each record, calls the handler in shard order, and checkpoints after the batch. When the handler (or decoding)
/// fails on a record, the records before it are checkpointed and the failure propagates, so the failed record and
/// everything after it are delivered again; nothing is skipped.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public abstract class RecordHandlerProcessor<T> : IShardRecordProcessor
{
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly IRecordDeserializer<T> _deserializer;
    private ShardContext? _shard;
    private ExtendedSequenceNumber? _lastProcessed;

    /// <summary>Creates the processor.</summary>
    /// <param name="services">The application's services; a scope is created from them per batch.</param>
    /// <param name="deserializer">Turns record data into <typeparamref name="T"/>.</param>
    protected RecordHandlerProcessor(IServiceProvider services, IRecordDeserializer<T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(services);
        _scopeFactory = services.GetRequiredService<IServiceScopeFactory>();
        _deserializer = deserializer ?? throw new ArgumentNullException(nameof(deserializer));
    }

    /// <summary>The shard this processor works on (set by <see cref="InitializeAsync"/>).</summary>
    protected ShardContext Shard => _shard ?? throw new InvalidOperationException("The processor has not been initialized.");

    /// <summary>Calls the user's handler for one record.</summary>
    /// <param name="services">The batch's scoped services.</param>
    /// <param name="payload">The decoded payload.</param>
    /// <param name="context">Where the record came from.</param>
    /// <param name="cancellationToken">Cancelled when the worker stops hard.</param>
    protected abstract ValueTask HandleAsync(IServiceProvider services, T payload, RecordContext context, CancellationToken cancellationToken);

    /// <inheritdoc />
    public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        _shard = input.Shard;
        return default;
    }

    /// <inheritdoc />
    public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shard = Shard;
        ExtendedSequenceNumber? done = null;
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            try
            {
                foreach (var record in input.Records)
                {
                    T payload;
                    try
                    {
                        payload = _deserializer.Deserialize(record);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        throw new RecordDeserializationException(shard.StreamName, shard.ShardId, record.Position, typeof(T), ex);
                    }

                    await HandleAsync(scope.ServiceProvider, payload, new RecordContext(shard, record), cancellationToken).ConfigureAwait(false);
                    done = record.Position;
                }
            }
            catch when (done is { } prefix)
            {
                // Keep the work that succeeded: the failed record and the rest of the batch are delivered again.
                _lastProcessed = prefix;
                await input.Checkpointer.CheckpointAsync(prefix.SequenceNumber, prefix.SubSequenceNumber, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        if (done is { } last)
        {
            _lastProcessed = last;
            await input.Checkpointer.CheckpointAsync(last.SequenceNumber, last.SubSequenceNumber, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Checkpointer.CheckpointAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_lastProcessed is { } last && ExtendedSequenceNumber.Compare(last, input.Checkpointer.LastCheckpoint) > 0)
        {
            await input.Checkpointer.CheckpointAsync(last.SequenceNumber, last.SubSequenceNumber, cancellationToken).ConfigureAwait(false);
        }
    }
}
