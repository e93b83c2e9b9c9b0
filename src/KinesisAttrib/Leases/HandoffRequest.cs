namespace KinesisAttrib.Leases;

/// <summary>A hand-off this worker asked for and is waiting on: the lease's owner when asked, and when (on this worker's clock).</summary>
/// <param name="Owner">The worker asked to hand the lease over.</param>
/// <param name="RequestedAt">When it was asked (time on this worker's clock since an arbitrary origin).</param>
internal readonly record struct HandoffRequest(string Owner, TimeSpan RequestedAt);
