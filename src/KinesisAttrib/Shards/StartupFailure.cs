using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Retrieval;

namespace KinesisAttrib.Shards;

/// <summary>
/// What went wrong when a <see cref="Scheduler"/> started: which service (Kinesis or the lease table), whether
/// trying again later may help, and the error message an operator reads, naming the application, the stream, the
/// service and its endpoint.
/// </summary>
internal static class StartupFailure
{
    /// <summary>
    /// True for failures that may pass by themselves: a transport failure (connection refused, reset, DNS), a timeout,
    /// throttling or a 5xx, from Kinesis or DynamoDB. A missing stream, access denied and validation errors are not.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        LeaseTableStreamMismatchException or CheckpointNotInStreamException => false,
        KinesisException kinesis => kinesis.IsRetryable,
        AmazonServiceException service => IsTransient(service),

        // An SDK or HTTP timeout surfaces as a cancellation nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        AmazonClientException => exception.InnerException is { } inner && IsTransient(inner, cancellationToken),
        _ => false,
    };

    private static bool IsTransient(AmazonServiceException exception)
    {
        if (exception.StatusCode >= HttpStatusCode.InternalServerError || exception.StatusCode == HttpStatusCode.TooManyRequests
            || exception.Retryable is not null)
        {
            return true;
        }

        if (exception.ErrorCode is "ProvisionedThroughputExceededException" or "ThrottlingException" or "RequestLimitExceeded"
            or "LimitExceededException" or "RequestTimeout" or "RequestTimeoutException")
        {
            return true;
        }

        // No response at all (the SDK wraps the transport error): judge by what it wraps.
        return exception.StatusCode == 0 && exception.InnerException is (HttpRequestException or SocketException or IOException or TimeoutException);
    }

    /// <summary>
    /// The error a consumer stops with: <c>KinesisAttrib application 'a', stream 's': the lease table 't' in DynamoDB at
    /// http://… could not be reached: Connection refused</c>. The original exception is its inner exception.
    /// </summary>
    public static InvalidOperationException Describe(
        Exception exception,
        string applicationName,
        string streamName,
        IKinesisClient kinesis,
        ILeaseStore leaseStore,
        bool transient,
        TimeSpan? gaveUpAfter)
    {
        var subject = $"KinesisAttrib application '{applicationName}', stream '{streamName}'";
        var cause = Innermost(exception).Message.TrimEnd('.');
        var gaveUp = gaveUpAfter is { } retried ? $" (gave up after retrying for {Seconds(retried)})" : "";
        string what;
        if (exception is LeaseTableStreamMismatchException mismatch)
        {
            what = $"{LeaseTable(leaseStore)} holds the leases of stream '{mismatch.OtherStream}' ({string.Join(", ", mismatch.LeaseKeys.Take(3))}"
                + $"{(mismatch.LeaseKeys.Count > 3 ? ", …" : "")}). A lease table belongs to one stream, and its checkpoints mean nothing in another. "
                + $"Give this consumer its own lease table: another ApplicationName (or KinesisAttrib:Applications:{{name}}:LeaseTableName) for stream '{streamName}'. "
                + $"To move the application to the new stream and drop the old checkpoints, delete {LeaseTable(leaseStore)} instead";
            return new InvalidOperationException($"{subject}: {what}.", exception);
        }

        if (exception is CheckpointNotInStreamException notInStream)
        {
            what = $"{LeaseTable(leaseStore)} holds checkpoint {notInStream.SequenceNumber} for shard '{notInStream.ShardId}', which "
                + $"{KinesisEndpoint(kinesis)} refuses as a position in this stream ({cause}). The table probably holds another stream's checkpoints, "
                + "written before leases recorded their stream. Give this consumer its own lease table (another ApplicationName or "
                + "KinesisAttrib:Applications:{name}:LeaseTableName), or delete the table to start the stream over";
            return new InvalidOperationException($"{subject}: {what}.", exception);
        }

        if (exception is KinesisException kinesisError)
        {
            var at = KinesisEndpoint(kinesis);
            what = kinesisError switch
            {
                ResourceNotFoundException => $"the stream does not exist in {at}: {cause}",
                { ErrorType: "AccessDeniedException" } => $"{at} denied access to the stream: {cause}",
                _ when transient => $"{at} could not be reached{gaveUp}: {cause}",
                _ => $"{at} refused {kinesisError.Operation ?? "the request"} ({kinesisError.ErrorType}): {cause}",
            };
        }
        else
        {
            what = transient
                ? $"{LeaseTable(leaseStore)} could not be reached{gaveUp}: {cause}"
                : $"{LeaseTable(leaseStore)} could not be created or read: {cause}";
        }

        return new InvalidOperationException($"{subject}: {what}.", exception);
    }

    private static string LeaseTable(ILeaseStore store) => store is DynamoDbLeaseStore dynamo
        ? $"the lease table '{dynamo.TableName}' in DynamoDB at {dynamo.Endpoint}"
        : $"the lease table ({store.GetType().Name})";

    private static string KinesisEndpoint(IKinesisClient kinesis) => kinesis is KinesisHttpClient http
        ? $"Kinesis at {http.Endpoint.ToString().TrimEnd('/')}"
        : $"Kinesis ({kinesis.GetType().Name})";

    private static string Seconds(TimeSpan time) => time < TimeSpan.FromSeconds(1) ? $"{time.TotalMilliseconds:F0} ms" : $"{time.TotalSeconds:F0} s";

    private static Exception Innermost(Exception exception)
    {
        // The AWS SDK wraps a transport failure ("Connection refused (127.0.0.1:1)") in its own exceptions.
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
