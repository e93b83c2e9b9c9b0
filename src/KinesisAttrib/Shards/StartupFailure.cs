using KinesisAttrib.Diagnostics;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Retrieval;

namespace KinesisAttrib.Shards;

/// <summary>
/// What went wrong when a <see cref="Scheduler"/> started, as the error message an operator reads: the application, the
/// stream, the service (Kinesis or the lease table) and its endpoint. Whether trying again may help is
/// <see cref="ServiceErrors.IsTransient"/>.
/// </summary>
internal static class StartupFailure
{
    /// <summary>
    /// The error a consumer stops with: <c>KinesisAttrib application 'a', stream 's': the lease table 't' in DynamoDB at
    /// http://… could not be reached: Connection refused</c>. The original exception is its inner exception.
    /// </summary>
    public static DescribedFailureException Describe(
        Exception exception,
        string applicationName,
        string streamName,
        IKinesisClient kinesis,
        ILeaseStore leaseStore,
        bool transient,
        TimeSpan? gaveUpAfter)
    {
        var subject = $"KinesisAttrib application '{applicationName}', stream '{streamName}'";
        var cause = FailureStreak.Innermost(exception).Message.TrimEnd('.');
        var gaveUp = gaveUpAfter is { } retried ? $" (gave up after retrying for {Seconds(retried)})" : "";
        string what;
        if (exception is LeaseTableStreamMismatchException mismatch)
        {
            what = $"{LeaseTable(leaseStore)} holds the leases of stream '{mismatch.OtherStream}' ({string.Join(", ", mismatch.LeaseKeys.Take(3))}"
                + $"{(mismatch.LeaseKeys.Count > 3 ? ", …" : "")}). A lease table belongs to one stream, and its checkpoints mean nothing in another. "
                + $"Give this consumer its own lease table: another ApplicationName (or KinesisAttrib:Applications:{{name}}:LeaseTableName) for stream '{streamName}'. "
                + $"To move the application to the new stream and drop the old checkpoints, delete {LeaseTable(leaseStore)} instead";
            return new DescribedFailureException($"{subject}: {what}.", exception);
        }

        if (exception is CheckpointNotInStreamException notInStream)
        {
            what = $"{LeaseTable(leaseStore)} holds checkpoint {notInStream.SequenceNumber} for shard '{notInStream.ShardId}', which "
                + $"{KinesisEndpoint(kinesis)} refuses as a position in this stream ({cause}). The table probably holds another stream's checkpoints, "
                + "written before leases recorded their stream. Give this consumer its own lease table (another ApplicationName or "
                + "KinesisAttrib:Applications:{name}:LeaseTableName), or delete the table to start the stream over";
            return new DescribedFailureException($"{subject}: {what}.", exception);
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

        return new DescribedFailureException($"{subject}: {what}.", exception);
    }

    private static string LeaseTable(ILeaseStore store) => store is DynamoDbLeaseStore dynamo
        ? $"the lease table '{dynamo.TableName}' in DynamoDB at {dynamo.Endpoint}"
        : $"the lease table ({store.GetType().Name})";

    private static string KinesisEndpoint(IKinesisClient kinesis) => kinesis is KinesisHttpClient http
        ? $"Kinesis at {http.Endpoint.ToString().TrimEnd('/')}"
        : $"Kinesis ({kinesis.GetType().Name})";

    private static string Seconds(TimeSpan time) => time < TimeSpan.FromSeconds(1) ? $"{time.TotalMilliseconds:F0} ms" : $"{time.TotalSeconds:F0} s";
}

/// <summary>
/// A consumer's fatal error with a message that already says everything an operator needs (service, endpoint,
/// application, stream, cause, fix): logged without a stack trace. Users catch it as <see cref="InvalidOperationException"/>.
/// </summary>
internal sealed class DescribedFailureException(string message, Exception innerException) : InvalidOperationException(message, innerException);
