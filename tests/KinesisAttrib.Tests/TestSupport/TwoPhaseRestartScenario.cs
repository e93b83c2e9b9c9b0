using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// A two-phase checkpoint with application state survives a restart: a batch handler prepares a checkpoint with state
/// and stops before committing; the next worker's handler finds both in its <see cref="BatchContext"/> and commits.
/// Shared by the in-memory test and the dynalite one (linked into the integration tests), so both stores show it.
/// </summary>
internal static class TwoPhaseRestartScenario
{
    private const string ShardId = "shardId-000000000000";
    public static async Task RunAsync(ILeaseStore store)
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.Kinesis.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "orders",
            Records = Enumerable.Range(0, 20).Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"r{i}"), PartitionKey = "k" }).ToList(),
        });
        await using var services = new ServiceCollection().BuildServiceProvider();

        // First worker: prepares at the last record it was given, with the id of its (pretend) external transaction.
        var first = new Observed();
        await RunUntilAsync(arranged, store, () => new TwoPhaseProcessor(services, first, commit: false), first, "the first worker prepared a checkpoint", "worker-1");
        var prepared = first.Prepared!.Value;
        var stored = await store.GetLeaseAsync(ShardId);
        Assert.Equal(prepared, stored!.PendingCheckpoint);
        Assert.Equal(Encoding.UTF8.GetBytes($"tx-{prepared.SequenceNumber}"), stored.PendingCheckpointState);
        Assert.True(stored.Checkpoint.IsSentinel, "nothing was committed");

        // Second worker: told about the prepared checkpoint and its state; commits it.
        var second = new Observed();
        await RunUntilAsync(arranged, store, () => new InitializationCapture(new TwoPhaseProcessor(services, second, commit: true), second), second, "the second worker saw the pending checkpoint", "worker-2");
        Assert.Equal(prepared, second.SeenPending);
        Assert.Equal($"tx-{prepared.SequenceNumber}", second.SeenState);
        Assert.Equal(prepared, second.Initialization!.PendingCheckpoint);
        Assert.Equal($"tx-{prepared.SequenceNumber}", Encoding.UTF8.GetString(second.Initialization.PendingCheckpointState!));
        var committed = await store.GetLeaseAsync(ShardId);
        Assert.Equal(prepared, committed!.Checkpoint);
        Assert.Null(committed.PendingCheckpoint);
        Assert.Null(committed.PendingCheckpointState);
    }

    private static async Task RunUntilAsync(SchedulerArrangement arranged, ILeaseStore store, Func<IShardRecordProcessor> processors, Observed observed, string what, string worker)
    {
        await using var running = arranged.Start(processors, SchedulerArrangement.FastOptions(worker), store: store);
        await observed.Done.Task.WaitAsync(SchedulerArrangement.TestTimeout);
        await running.StopAsync();
        Assert.True(observed.Done.Task.IsCompletedSuccessfully, what);
    }

    private sealed class Observed
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ExtendedSequenceNumber? Prepared { get; set; }

        public ExtendedSequenceNumber? SeenPending { get; set; }

        public string? SeenState { get; set; }

        public InitializationInput? Initialization { get; set; }
    }

    /// <summary>A manual-checkpoint batch handler: prepares with state (first worker) or commits what it finds prepared (second).</summary>
    private sealed class TwoPhaseProcessor(IServiceProvider services, Observed observed, bool commit)
        : BatchHandlerProcessor<string>(services, RecordDeserializers.Utf8String, new HandlerSettings { HandlerName = "Tests.TwoPhase", CheckpointMode = CheckpointMode.Manual })
    {
        protected override async ValueTask<BatchResult> HandleAsync(IServiceProvider services, IReadOnlyList<KinesisRecord<string>> records, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            if (observed.Done.Task.IsCompleted)
            {
                return BatchResult.Success;
            }

            if (!commit)
            {
                var prepared = await checkpointer.PrepareCheckpointAsync(Encoding.UTF8.GetBytes($"tx-{records[^1].Context.SequenceNumber}"), cancellationToken);
                observed.Prepared = prepared.PendingCheckpoint;
                Assert.Equal(Encoding.UTF8.GetBytes($"tx-{records[^1].Context.SequenceNumber}"), prepared.ApplicationState);
            }
            else if (batch.PendingCheckpoint is { } pending)
            {
                observed.SeenPending = pending;
                observed.SeenState = batch.PendingCheckpointState is { } state ? Encoding.UTF8.GetString(state) : null;
                await checkpointer.CheckpointAsync(pending.SequenceNumber, pending.SubSequenceNumber, cancellationToken);
            }

            observed.Done.TrySetResult();
            return BatchResult.Success;
        }
    }

    /// <summary>Keeps the <see cref="InitializationInput"/> the shard consumer gave, and forwards every call.</summary>
    private sealed class InitializationCapture(IShardRecordProcessor inner, Observed observed) : IShardRecordProcessor
    {
        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
        {
            observed.Initialization = input;
            return inner.InitializeAsync(input, cancellationToken);
        }

        public ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken) => inner.ProcessRecordsAsync(input, cancellationToken);

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => inner.LeaseLostAsync(input, cancellationToken);

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => inner.ShardEndedAsync(input, cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => inner.ShutdownRequestedAsync(input, cancellationToken);
    }
}
