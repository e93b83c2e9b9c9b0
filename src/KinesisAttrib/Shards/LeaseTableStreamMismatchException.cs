namespace KinesisAttrib.Shards;

/// <summary>
/// The lease table holds leases of another stream than the one this scheduler consumes: the application was pointed
/// at a new stream without a new lease table. Fatal: the old stream's checkpoints are meaningless in the new one.
/// </summary>
internal sealed class LeaseTableStreamMismatchException(string streamName, string otherStream, IReadOnlyList<string> leaseKeys)
    : Exception($"The lease table holds leases of stream '{otherStream}', not of stream '{streamName}'.")
{
    /// <summary>The stream the leases were written for.</summary>
    public string OtherStream { get; } = otherStream;

    /// <summary>Some of the leases written for <see cref="OtherStream"/>.</summary>
    public IReadOnlyList<string> LeaseKeys { get; } = leaseKeys;
}
