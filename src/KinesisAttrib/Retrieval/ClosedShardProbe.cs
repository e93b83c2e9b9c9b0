using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Tells a stream's fan-out publishers which of their shards are closed, from one ListShards listing shared by all of
/// them and refreshed at most every <see cref="MaxAge"/>: a server that keeps a closed shard's subscription open
/// without its last event (kinesis-local sends empty events forever) is noticed at the cost of one listing per worker
/// and stream, not one per shard. Thread-safe.
/// </summary>
/// <param name="kinesis">The Kinesis client.</param>
/// <param name="streamName">The stream.</param>
/// <param name="time">The clock.</param>
internal sealed class ClosedShardProbe(IKinesisClient kinesis, string streamName, TimeProvider time)
{
    /// <summary>How old a listing may be before the next question lists the shards again.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private Task<Dictionary<string, bool>>? _listing;
    private long _listedAt;

    /// <summary>How many listings were made.</summary>
    internal int Listings { get; private set; }

    /// <summary>
    /// Whether the shard is closed (has an ending sequence number); null when the stream no longer lists it (it
    /// expired: the next subscription reports that, as GetRecords would).
    /// </summary>
    public async Task<bool?> IsClosedAsync(string shardId, CancellationToken cancellationToken)
    {
        Task<Dictionary<string, bool>> listing;
        lock (_gate)
        {
            // One listing at a time for all shards; a failed one is not kept.
            if (_listing is null || (_listing.IsCompleted && (!_listing.IsCompletedSuccessfully || time.GetElapsedTime(_listedAt) >= MaxAge)))
            {
                _listing = ListAsync();
                _listedAt = time.GetTimestamp();
                Listings++;
            }

            listing = _listing;
        }

        var closed = await listing.WaitAsync(cancellationToken).ConfigureAwait(false);
        return closed.TryGetValue(shardId, out var isClosed) ? isClosed : null;
    }

    // Not cancelled by one caller: other shards may be waiting for the same listing.
    private async Task<Dictionary<string, bool>> ListAsync()
    {
        var closed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var request = new ListShardsRequest { StreamName = streamName };
        while (true)
        {
            var page = await kinesis.ListShardsAsync(request, CancellationToken.None).ConfigureAwait(false);
            foreach (var shard in page.Shards)
            {
                closed[shard.ShardId] = shard.EndingSequenceNumber is not null;
            }

            if (page.NextToken is null)
            {
                return closed;
            }

            request = new ListShardsRequest { NextToken = page.NextToken };
        }
    }
}
