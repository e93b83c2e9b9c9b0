namespace KinesisAttrib.Processing;

/// <summary>
/// A processor whose configuration can be checked before any shard starts: the hosted runtime creates one per handler
/// at start and calls <see cref="CheckAtStartup"/>, so a failure policy that could lose records fails the host's start
/// instead of every shard's initialization.
/// </summary>
internal interface IStartupCheckedProcessor
{
    /// <summary>Throws <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/> naming the handler when its settings cannot run.</summary>
    void CheckAtStartup(string applicationName);
}
