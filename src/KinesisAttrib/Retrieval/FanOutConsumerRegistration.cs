using KinesisAttrib.Diagnostics;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Finds the registered stream consumer an application reads by enhanced fan-out, registering it the first time, and
/// waits until it is ACTIVE. The consumer is never deregistered: it survives restarts, as the lease table does, and
/// every worker of the application shares it.
/// </summary>
internal static class FanOutConsumerRegistration
{
    /// <summary>How often a consumer that is not ACTIVE yet is described again (DescribeStreamConsumer allows 20 calls/s per account).</summary>
    internal static readonly TimeSpan StatusPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The consumer's ARN, once it is ACTIVE.</summary>
    /// <param name="kinesis">The Kinesis client.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="consumerName">The consumer's name (registered when absent).</param>
    /// <param name="consumerArn">A consumer's ARN to use instead (never registered).</param>
    /// <param name="activationTimeout">How long to wait for ACTIVE.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where a registration is reported.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidOperationException">The ARN is of another stream, the stream has no ARN, or the consumer did not turn ACTIVE in time.</exception>
    public static async Task<string> EnsureActiveAsync(IKinesisClient kinesis, string streamName, string consumerName, string? consumerArn, TimeSpan activationTimeout, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        StreamConsumer consumer;
        string? streamArn = null;
        if (consumerArn is not null)
        {
            if (!consumerArn.Contains($":stream/{streamName}/consumer/", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The fan-out consumer ARN '{consumerArn}' is not a consumer of stream '{streamName}' (expected '...:stream/{streamName}/consumer/NAME:...').");
            }

            consumer = await kinesis.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = consumerArn }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var summary = await kinesis.DescribeStreamSummaryAsync(streamName, cancellationToken).ConfigureAwait(false);
            streamArn = summary.StreamArn
                ?? throw new InvalidOperationException($"Kinesis did not report the ARN of stream '{streamName}', which registering fan-out consumer '{consumerName}' needs; give the consumer's ARN instead (FanOutConsumerArn).");
            consumer = await FindOrRegisterAsync(kinesis, streamName, streamArn, consumerName, logger, cancellationToken).ConfigureAwait(false);
        }

        var started = time.GetTimestamp();
        while (consumer.ConsumerStatus != "ACTIVE")
        {
            if (time.GetElapsedTime(started) > activationTimeout)
            {
                throw new InvalidOperationException($"The fan-out consumer '{consumer.ConsumerName}' of stream '{streamName}' ({consumer.ConsumerArn}) is still {consumer.ConsumerStatus} after {activationTimeout.TotalSeconds:0} s; it must be ACTIVE to subscribe.");
            }

            await Task.Delay(StatusPollInterval, time, cancellationToken).ConfigureAwait(false);
            try
            {
                consumer = await kinesis.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = consumer.ConsumerArn }, cancellationToken).ConfigureAwait(false);
            }
            catch (ResourceNotFoundException) when (consumer.ConsumerStatus == "DELETING" && streamArn is not null)
            {
                // It was being deregistered (by hand) and is gone now: register it again.
                consumer = await FindOrRegisterAsync(kinesis, streamName, streamArn, consumerName, logger, cancellationToken).ConfigureAwait(false);
            }
        }

        return consumer.ConsumerArn;
    }

    private static async Task<StreamConsumer> FindOrRegisterAsync(IKinesisClient kinesis, string streamName, string streamArn, string consumerName, ILogger logger, CancellationToken cancellationToken)
    {
        var byName = new StreamConsumerRequest { StreamArn = streamArn, ConsumerName = consumerName };
        try
        {
            return await kinesis.DescribeStreamConsumerAsync(byName, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException)
        {
            // Not registered yet.
        }

        try
        {
            var registered = await kinesis.RegisterStreamConsumerAsync(streamArn, consumerName, cancellationToken).ConfigureAwait(false);
            RetrievalLog.ConsumerRegistered(logger, consumerName, streamName, registered.ConsumerArn);
            return registered;
        }
        catch (KinesisException ex) when (ex.ErrorType == "ResourceInUseException")
        {
            // Another worker registered it at the same moment.
            return await kinesis.DescribeStreamConsumerAsync(byName, cancellationToken).ConfigureAwait(false);
        }
    }
}
