namespace KinesisAttrib.Handlers;

/// <summary>Where a new application starts reading a shard that has no checkpoint yet.</summary>
public enum InitialPosition
{
    /// <summary>At the oldest record still retained in the stream (nothing retained is missed).</summary>
    TrimHorizon = 0,

    /// <summary>At records put after the application first reads the shard.</summary>
    Latest = 1,
}
