using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Hosting;

/// <summary>
/// Writes each failed record to another Kinesis stream as a <see cref="FailedRecordEnvelope"/> (JSON, original data in
/// base64), with the original partition key, so the failed records of one key keep their order there.
/// </summary>
/// <remarks>
/// PutRecord is not idempotent: when a put times out after Kinesis stored it, the retry stores it again. Readers of the
/// failure stream should treat (application, stream, shard, sequence, sub-sequence) as the record's identity. Base64
/// grows the data by a third: a source record above about 750 KiB does not fit a 1 MiB destination record; Kinesis
/// rejects it, the write is retried and the shard stops there (loudly) rather than lose it.
/// </remarks>
public sealed class KinesisStreamFailedRecordDestination : IFailedRecordDestination
{
    private readonly IKinesisClient _kinesis;

    /// <summary>Creates the destination.</summary>
    /// <param name="kinesis">The client to write with.</param>
    /// <param name="streamName">The stream failed records go to (it must exist).</param>
    public KinesisStreamFailedRecordDestination(IKinesisClient kinesis, string streamName)
    {
        _kinesis = kinesis ?? throw new ArgumentNullException(nameof(kinesis));
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        StreamName = streamName;
    }

    /// <summary>The stream failed records go to.</summary>
    public string StreamName { get; }

    /// <inheritdoc />
    public async ValueTask SendAsync(FailedRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _kinesis.PutRecordAsync(
            new PutRecordRequest { StreamName = StreamName, PartitionKey = record.PartitionKey, Data = FailedRecordEnvelope.Write(record) },
            cancellationToken).ConfigureAwait(false);
    }
}
