using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>Wraps a Kinesis client and makes some GetRecords calls fail the way the service does.</summary>
internal sealed class FaultyKinesisClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
{
    private int _calls;

    /// <summary>Every n-th GetRecords call fails with an expired iterator (0: never).</summary>
    public int ExpireEvery { get; init; }

    /// <summary>Every n-th GetRecords call is throttled (0: never).</summary>
    public int ThrottleEvery { get; init; }

    /// <summary>Every n-th GetRecords call fails in transport after the service answered (0: never).</summary>
    public int LoseResponseEvery { get; init; }

    public int Faults { get; private set; }

    public override async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        if (ExpireEvery > 0 && call % ExpireEvery == 0)
        {
            Faults++;
            throw new ExpiredIteratorException("GetRecords: Iterator expired (injected).");
        }

        if (ThrottleEvery > 0 && call % ThrottleEvery == 0)
        {
            Faults++;
            throw new ProvisionedThroughputExceededException("GetRecords: Rate exceeded for shard (injected).");
        }

        var response = await Inner.GetRecordsAsync(request, cancellationToken);
        if (LoseResponseEvery > 0 && call % LoseResponseEvery == 0)
        {
            // The service served the read but the answer never arrived: the same iterator must be usable again.
            Faults++;
            throw new KinesisException("Transport", "GetRecords: connection reset (injected).");
        }

        return response;
    }
}
