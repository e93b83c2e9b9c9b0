namespace KinesisAttrib.Leases;

/// <summary>
/// When this worker first saw a lease's counter at its current value, on its own clock. Expiry needs no synchronised
/// clocks: a lease is expired when the same counter is still there a failover time after it was first seen.
/// </summary>
/// <param name="Counter">The counter value seen.</param>
/// <param name="SeenAt">When that value was first seen (time on this worker's clock since an arbitrary origin).</param>
internal readonly record struct LeaseObservation(long Counter, TimeSpan SeenAt);
