using Amazon.Runtime;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Leases;

/// <summary>
/// Times every lease-table request of one scheduler for <c>kinesisattrib.client.request.duration</c> (service
/// <c>DynamoDB</c> for the DynamoDB store, <c>LeaseStore</c> for others; the lease operation as method) and records
/// each answer for the readiness check. A refused conditional write is an answer: its outcome is success.
/// </summary>
internal sealed class InstrumentedLeaseStore(ILeaseStore inner, SchedulerTelemetry telemetry, TimeProvider time) : ILeaseStore
{
    private readonly string _service = inner is DynamoDbLeaseStore ? "DynamoDB" : "LeaseStore";

    /// <summary>The store this one measures.</summary>
    public ILeaseStore Inner => inner;

    public Task EnsureTableAsync(CancellationToken cancellationToken = default) =>
        MeasureAsync("EnsureTable", async () => { await inner.EnsureTableAsync(cancellationToken).ConfigureAwait(false); return true; }, cancellationToken);

    public Task<IReadOnlyList<Lease>> ListLeasesAsync(CancellationToken cancellationToken = default) =>
        MeasureAsync("ListLeases", () => inner.ListLeasesAsync(cancellationToken), cancellationToken);

    public Task<Lease?> GetLeaseAsync(string leaseKey, CancellationToken cancellationToken = default) =>
        MeasureAsync("GetLease", () => inner.GetLeaseAsync(leaseKey, cancellationToken), cancellationToken);

    public Task<bool> CreateLeaseIfNotExistsAsync(Lease lease, CancellationToken cancellationToken = default) =>
        MeasureAsync("CreateLease", () => inner.CreateLeaseIfNotExistsAsync(lease, cancellationToken), cancellationToken);

    public Task<Lease?> TakeLeaseAsync(Lease lease, string newOwner, CancellationToken cancellationToken = default) =>
        MeasureAsync("TakeLease", () => inner.TakeLeaseAsync(lease, newOwner, cancellationToken), cancellationToken);

    public Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default) =>
        MeasureAsync("RenewLease", () => inner.RenewLeaseAsync(lease, cancellationToken), cancellationToken);

    public Task<Lease?> UpdateCheckpointAsync(Lease lease, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken = default) =>
        MeasureAsync("UpdateCheckpoint", () => inner.UpdateCheckpointAsync(lease, checkpoint, cancellationToken), cancellationToken);

    public Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, CancellationToken cancellationToken = default) =>
        MeasureAsync("PrepareCheckpoint", () => inner.PrepareCheckpointAsync(lease, pendingCheckpoint, cancellationToken), cancellationToken);

    public Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, byte[]? applicationState, CancellationToken cancellationToken = default) =>
        MeasureAsync("PrepareCheckpoint", () => inner.PrepareCheckpointAsync(lease, pendingCheckpoint, applicationState, cancellationToken), cancellationToken);

    public Task<Lease?> RequestHandoffAsync(Lease lease, string requester, CancellationToken cancellationToken = default) =>
        MeasureAsync("RequestHandoff", () => inner.RequestHandoffAsync(lease, requester, cancellationToken), cancellationToken);

    public Task<Lease?> EvictLeaseAsync(Lease lease, CancellationToken cancellationToken = default) =>
        MeasureAsync("EvictLease", () => inner.EvictLeaseAsync(lease, cancellationToken), cancellationToken);

    public Task<bool> UpdateChildShardIdsAsync(string leaseKey, IReadOnlyList<string> childShardIds, CancellationToken cancellationToken = default) =>
        MeasureAsync("UpdateChildShardIds", () => inner.UpdateChildShardIdsAsync(leaseKey, childShardIds, cancellationToken), cancellationToken);

    public Task<bool> SetStreamNameAsync(string leaseKey, string streamName, CancellationToken cancellationToken = default) =>
        MeasureAsync("SetStreamName", () => inner.SetStreamNameAsync(leaseKey, streamName, cancellationToken), cancellationToken);

    public Task<bool> DeleteLeaseAsync(Lease lease, CancellationToken cancellationToken = default) =>
        MeasureAsync("DeleteLease", () => inner.DeleteLeaseAsync(lease, cancellationToken), cancellationToken);

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            telemetry.LeaseTableAnswered();
            KinesisAttribMetrics.RecordRequest(_service, operation, "success", time.GetElapsedTime(started), telemetry.Tags);
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            telemetry.LeaseTableFailed();
            KinesisAttribMetrics.RecordRequest(_service, operation, OutcomeOf(ex), time.GetElapsedTime(started), telemetry.Tags);
            throw;
        }
    }

    private static string OutcomeOf(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case AmazonServiceException service when service.ErrorCode is "ProvisionedThroughputExceededException" or "ThrottlingException" or "RequestLimitExceeded" or "Throttling" || service.Retryable?.Throttling == true:
                    return "throttled";
                case TimeoutException or OperationCanceledException:
                    return "timeout";
            }
        }

        return "error";
    }
}
