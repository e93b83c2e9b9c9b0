namespace KinesisAttrib.Handlers;

/// <summary>When a generated processor records progress for a handler.</summary>
public enum CheckpointMode
{
    /// <summary>After every batch the handler finished (the KCL's usual pattern). The default.</summary>
    AfterEachBatch = 0,

    /// <summary>
    /// Never by itself: the handler checkpoints through an <see cref="IRecordProcessorCheckpointer"/>
    /// parameter. Only the SHARD_END checkpoint of a closed shard is still written for it, so children can start.
    /// </summary>
    Manual = 1,

    /// <summary>
    /// Every <see cref="KinesisHandlerSettingsAttribute.CheckpointEveryRecords"/> records or
    /// <see cref="KinesisHandlerSettingsAttribute.CheckpointIntervalSeconds"/> seconds, whichever comes first, checked after
    /// each handled record (per-record handlers) or batch (batch handlers), and on graceful shutdown.
    /// </summary>
    Periodic = 2,
}
