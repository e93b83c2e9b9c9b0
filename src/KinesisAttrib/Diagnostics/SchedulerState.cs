namespace KinesisAttrib.Diagnostics;

/// <summary>Where a scheduler's run is, for the health checks.</summary>
internal enum SchedulerState
{
    /// <summary>Created, or creating its lease table and first shard sync.</summary>
    Starting = 0,

    /// <summary>In its main loop: taking leases and running consumers.</summary>
    Running = 1,

    /// <summary>Returned (a stop) or failed.</summary>
    Stopped = 2,
}
