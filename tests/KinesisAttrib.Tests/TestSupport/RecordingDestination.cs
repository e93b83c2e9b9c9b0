using System.Collections.Concurrent;
using System.Text;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>A destination that keeps what it was sent; it can refuse the first writes, or every write.</summary>
internal sealed class RecordingDestination : IFailedRecordDestination
{
    private int _refusalsLeft;

    public RecordingDestination(int refuseFirst = 0) => _refusalsLeft = refuseFirst;

    public ConcurrentQueue<FailedRecord> Received { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    private int _calls;

    public ValueTask SendAsync(FailedRecord record, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
        {
            throw new TimeoutException("destination unavailable");
        }

        Received.Enqueue(record);
        return default;
    }

    public List<string> Payloads() => Received.Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();
}
