namespace KinesisAttrib.Handlers;

/// <summary>Where a new application starts reading a shard that has no checkpoint yet.</summary>
public enum InitialPosition
{
    /// <summary>At the oldest record still retained in the stream (nothing retained is missed).</summary>
    TrimHorizon = 0,

    /// <summary>At records put after the application first reads the shard.</summary>
    Latest = 1,

    /// <summary>At the first record put at or after a given time (the handler's initial timestamp).</summary>
    AtTimestamp = 2,
}
