using System.Text;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>What the scheduler tests share: fast options and a producer.</summary>
internal static class SchedulerTestKit
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    public static KinesisAttribOptions FastOptions(string worker = "worker-1") => new()
    {
        WorkerId = worker,
        FailoverTime = TimeSpan.FromSeconds(2),

        // A third (not the default three quarters) leaves room for a machine busy running tests in parallel.
        LeaseRenewalInterval = TimeSpan.FromMilliseconds(650),
        LeaseTakerInterval = TimeSpan.FromMilliseconds(100),
        IdleTimeBetweenReads = TimeSpan.FromMilliseconds(20),
        ProcessingRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRecords = 100,
    };

    /// <summary>Puts records <c>{prefix}{from}</c> .. <c>{prefix}{from + count - 1}</c> over 37 partition keys; returns their sequence numbers.</summary>
    public static async Task<List<string>> PutAsync(IKinesisClient kinesis, string stream, int from, int count, string prefix = "r")
    {
        var sequences = new List<string>();
        for (var offset = 0; offset < count; offset += 500)
        {
            var entries = Enumerable.Range(from + offset, Math.Min(500, count - offset))
                .Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"{prefix}{i}"), PartitionKey = $"key-{i % 37}" })
                .ToList();
            var result = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });
            Assert.Equal(0, result.FailedRecordCount);
            sequences.AddRange(result.Records.Select(r => r.SequenceNumber!));
        }

        return sequences;
    }
}
