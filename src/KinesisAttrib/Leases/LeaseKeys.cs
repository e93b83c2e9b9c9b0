namespace KinesisAttrib.Leases;

/// <summary>
/// Maps shard ids to lease keys and back. A single-stream application uses the bare shard id (the KCL 2.x
/// single-stream schema, so a Java KCL table keeps working); an application that consumes several streams uses
/// <c>{streamName}:{shardId}</c> so the streams' leases share the application's table without colliding, and each
/// stream's scheduler only considers its own leases.
/// </summary>
internal sealed class LeaseKeys
{
    private readonly string? _prefix;

    private LeaseKeys(string? prefix) => _prefix = prefix;

    /// <summary>Bare shard ids: only keys without a <c>:</c> belong to the stream.</summary>
    public static LeaseKeys SingleStream { get; } = new(null);

    /// <summary>Keys of the form <c>{streamName}:{shardId}</c>.</summary>
    public static LeaseKeys ForStream(string streamName) => new(streamName + ":");

    /// <summary>True when the keys carry the stream name.</summary>
    public bool IsMultiStream => _prefix is not null;

    /// <summary>The lease key of a shard.</summary>
    public string LeaseKeyOf(string shardId) => _prefix is null ? shardId : _prefix + shardId;

    /// <summary>The shard id of a lease key of this stream.</summary>
    public string ShardIdOf(string leaseKey) => _prefix is null ? leaseKey : leaseKey[_prefix.Length..];

    /// <summary>True when <paramref name="leaseKey"/> is a lease of this stream.</summary>
    public bool Owns(string leaseKey) => _prefix is null
        ? !leaseKey.Contains(':', StringComparison.Ordinal)
        : leaseKey.StartsWith(_prefix, StringComparison.Ordinal) && leaseKey.Length > _prefix.Length;
}
