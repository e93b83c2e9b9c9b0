namespace KinesisAttrib.Cli.Model;

/// <summary>A lease's state as the tool sees it. Expiry is judged as a worker judges it: by the counter not moving on the observer's own clock.</summary>
internal enum LeaseState
{
    /// <summary>An owner is named; not observed long enough to tell whether it still renews.</summary>
    Held,

    /// <summary>An owner is named and its counter moved while the tool watched: the owner is alive.</summary>
    Live,

    /// <summary>An owner is named but the counter did not move for the failover time: any worker may take it.</summary>
    Expired,

    /// <summary>No owner: the next worker's taker cycle takes it.</summary>
    Free,

    /// <summary>The checkpoint is SHARD_END: the shard is closed and fully processed.</summary>
    Finished,
}
