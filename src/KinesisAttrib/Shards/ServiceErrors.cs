using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Shards;

/// <summary>Which failures of Kinesis or the lease table are transient (logged once per run and retried) and which service failed.</summary>
internal static class ServiceErrors
{
    /// <summary>True for an outage, throttling or a 5xx of either service; false for cancellation and for answers that will not change.</summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        LeaseTableStreamMismatchException or Retrieval.CheckpointNotInStreamException => false,
        KinesisException kinesis => kinesis.IsRetryable && !cancellationToken.IsCancellationRequested,
        _ => LeaseStoreErrors.IsTransient(exception, cancellationToken),
    };

    /// <summary>The service an exception came from, for a log line.</summary>
    public static string ServiceOf(Exception exception) => exception is KinesisException ? "Kinesis" : "DynamoDB";
}
