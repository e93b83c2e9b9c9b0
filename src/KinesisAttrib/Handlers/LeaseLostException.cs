namespace KinesisAttrib.Handlers;

/// <summary>This worker no longer holds the lease of a shard (another worker took it); the write was not made.</summary>
public sealed class LeaseLostException(string leaseKey, string message) : Exception(message)
{
    /// <summary>The lease (shard) that was lost.</summary>
    public string LeaseKey { get; } = leaseKey;
}
