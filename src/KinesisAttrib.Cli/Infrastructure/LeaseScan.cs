using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>
/// One consistent scan of a lease table, split into the leases of the stream the command is about and the rest.
/// A single-stream table (the KCL's, and KinesisAttrib's default) keys leases by bare shard id; a table several streams
/// share keys them <c>{stream}:{shardId}</c> (<see cref="LeaseKeys"/>), chosen here when <c>--stream</c> names such keys.
/// </summary>
internal sealed record LeaseScan(
    IReadOnlyList<Lease> All,
    LeaseKeys Keys,
    IReadOnlyList<Lease> Leases,
    IReadOnlyList<string> RecordedStreams,
    DateTimeOffset ReadAt)
{
    public static LeaseScan Of(IReadOnlyList<Lease> all, string? stream, DateTimeOffset readAt)
    {
        var keys = stream is not null && all.Any(l => l.LeaseKey.StartsWith(stream + ":", StringComparison.Ordinal))
            ? LeaseKeys.ForStream(stream)
            : LeaseKeys.SingleStream;
        var mine = all.Where(l => keys.Owns(l.LeaseKey)).ToList();
        var recorded = mine.Select(l => l.StreamName).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new LeaseScan(all, keys, mine, recorded, readAt);
    }

    /// <summary>The shard id of one of <see cref="Leases"/>.</summary>
    public string ShardIdOf(Lease lease) => Keys.ShardIdOf(lease.LeaseKey);

    /// <summary>The lease of a shard, or null.</summary>
    public Lease? Find(string shardId)
    {
        var key = Keys.LeaseKeyOf(shardId);
        return Leases.FirstOrDefault(l => l.LeaseKey == key);
    }
}
