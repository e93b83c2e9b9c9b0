using System.Collections.Concurrent;

namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>
/// What test handlers (compiled in memory) received. It lives in the test assembly, which the in-memory compilations
/// reference, so tests read it with ordinary types instead of reflection.
/// </summary>
public sealed class HandlerLog
{
    private readonly ConcurrentQueue<HandledRecord> _records = new();

    public IReadOnlyList<HandledRecord> Records => [.. _records];

    public void Add(HandledRecord record) => _records.Enqueue(record);
}

/// <summary>One call of a test handler.</summary>
public sealed record HandledRecord(
    string Handler,
    string Payload,
    string StreamName,
    string ApplicationName,
    string ShardId,
    string SequenceNumber,
    long SubSequenceNumber,
    string PartitionKey,
    bool CanBeCanceled);
