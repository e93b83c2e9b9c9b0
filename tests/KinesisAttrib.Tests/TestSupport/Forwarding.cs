using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// A lease store that passes every call to another: test decorators derive from it and override only the calls they
/// stall, fail or record, so a new <see cref="ILeaseStore"/> member is forwarded in one place.
/// </summary>
internal abstract class ForwardingLeaseStore(ILeaseStore inner) : ILeaseStore
{
    protected ILeaseStore Inner { get; } = inner;

    public virtual Task EnsureTableAsync(CancellationToken cancellationToken = default) => Inner.EnsureTableAsync(cancellationToken);

    public virtual Task<IReadOnlyList<Lease>> ListLeasesAsync(CancellationToken cancellationToken = default) => Inner.ListLeasesAsync(cancellationToken);

    public virtual Task<Lease?> GetLeaseAsync(string leaseKey, CancellationToken cancellationToken = default) => Inner.GetLeaseAsync(leaseKey, cancellationToken);

    public virtual Task<bool> CreateLeaseIfNotExistsAsync(Lease lease, CancellationToken cancellationToken = default) => Inner.CreateLeaseIfNotExistsAsync(lease, cancellationToken);

    public virtual Task<Lease?> TakeLeaseAsync(Lease lease, string newOwner, CancellationToken cancellationToken = default) => Inner.TakeLeaseAsync(lease, newOwner, cancellationToken);

    public virtual Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default) => Inner.RenewLeaseAsync(lease, cancellationToken);

    public virtual Task<Lease?> UpdateCheckpointAsync(Lease lease, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken = default) => Inner.UpdateCheckpointAsync(lease, checkpoint, cancellationToken);

    public virtual Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, CancellationToken cancellationToken = default) => Inner.PrepareCheckpointAsync(lease, pendingCheckpoint, cancellationToken);

    public virtual Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, byte[]? applicationState, CancellationToken cancellationToken = default) => Inner.PrepareCheckpointAsync(lease, pendingCheckpoint, applicationState, cancellationToken);

    public virtual Task<Lease?> RequestHandoffAsync(Lease lease, string requester, CancellationToken cancellationToken = default) => Inner.RequestHandoffAsync(lease, requester, cancellationToken);

    public virtual Task<Lease?> EvictLeaseAsync(Lease lease, CancellationToken cancellationToken = default) => Inner.EvictLeaseAsync(lease, cancellationToken);

    public virtual Task<bool> UpdateChildShardIdsAsync(string leaseKey, IReadOnlyList<string> childShardIds, CancellationToken cancellationToken = default) => Inner.UpdateChildShardIdsAsync(leaseKey, childShardIds, cancellationToken);

    public virtual Task<bool> SetStreamNameAsync(string leaseKey, string streamName, CancellationToken cancellationToken = default) => Inner.SetStreamNameAsync(leaseKey, streamName, cancellationToken);

    public virtual Task<bool> DeleteLeaseAsync(Lease lease, CancellationToken cancellationToken = default) => Inner.DeleteLeaseAsync(lease, cancellationToken);
}

/// <summary>A Kinesis client that passes every call to another; test decorators override only what they change.</summary>
internal abstract class ForwardingKinesisClient(IKinesisClient inner) : IKinesisClient
{
    protected IKinesisClient Inner { get; } = inner;

    public virtual Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default) => Inner.CreateStreamAsync(streamName, shardCount, cancellationToken);

    public virtual Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default) => Inner.DescribeStreamSummaryAsync(streamName, cancellationToken);

    public virtual Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) => Inner.ListShardsAsync(request, cancellationToken);

    public virtual Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) => Inner.GetShardIteratorAsync(request, cancellationToken);

    public virtual Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) => Inner.GetRecordsAsync(request, cancellationToken);

    public virtual Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default) => Inner.PutRecordsAsync(request, cancellationToken);

    public virtual Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default) => Inner.PutRecordAsync(request, cancellationToken);

    public virtual Task DeleteStreamAsync(string streamName, CancellationToken cancellationToken = default) => Inner.DeleteStreamAsync(streamName, cancellationToken);

    public virtual Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) => Inner.ListStreamsAsync(request, cancellationToken);

    public virtual Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default) => Inner.SplitShardAsync(request, cancellationToken);

    public virtual Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default) => Inner.MergeShardsAsync(request, cancellationToken);

    public virtual Task<UpdateShardCountResponse> UpdateShardCountAsync(UpdateShardCountRequest request, CancellationToken cancellationToken = default) => Inner.UpdateShardCountAsync(request, cancellationToken);

    public virtual Task<StreamConsumer> DescribeStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default) => Inner.DescribeStreamConsumerAsync(request, cancellationToken);

    public virtual Task<StreamConsumer> RegisterStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken = default) => Inner.RegisterStreamConsumerAsync(streamArn, consumerName, cancellationToken);

    public virtual Task DeregisterStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default) => Inner.DeregisterStreamConsumerAsync(request, cancellationToken);

    public virtual Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default) => Inner.SubscribeToShardAsync(request, cancellationToken);
}
