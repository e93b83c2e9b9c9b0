using System.Text.Json;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.IntegrationTests.TestSupport;

internal static class EmulatorStreams
{
    public static KinesisHttpClient CreateKinesisClient(EmulatorFixture emulators) => new(new KinesisClientOptions
    {
        ServiceUrl = emulators.KinesisEndpoint,
        Region = EmulatorFixture.Region,
        Credentials = EmulatorFixture.Credentials,
    });

    public static async Task CreateActiveStreamAsync(IKinesisClient kinesis, string stream, int shards)
    {
        await kinesis.CreateStreamAsync(stream, shards);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await kinesis.DescribeStreamSummaryAsync(stream, timeout.Token)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Puts payloads <c>p{from}</c> .. <c>p{from + count - 1}</c> over <paramref name="keys"/> partition keys, 100 per request.</summary>
    public static async Task PutNumberedAsync(IKinesisClient kinesis, string stream, int from, int count, int keys = 20)
    {
        for (var offset = 0; offset < count; offset += 100)
        {
            var entries = Enumerable.Range(from + offset, Math.Min(100, count - offset))
                .Select(i => new PutRecordsRequestEntry { Data = System.Text.Encoding.UTF8.GetBytes($"p{i}"), PartitionKey = $"key-{i % keys}" })
                .ToList();
            var response = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });
            Assert.Equal(0, response.FailedRecordCount);
        }
    }

    public static async Task PutReadingsAsync(IKinesisClient kinesis, string stream, int first, int count)
    {
        for (var offset = 0; offset < count; offset += 250)
        {
            var entries = Enumerable.Range(first + offset, Math.Min(250, count - offset))
                .Select(i => new Reading(i, $"sensor-{i % 17}"))
                .Select(r => new PutRecordsRequestEntry { Data = JsonSerializer.SerializeToUtf8Bytes(r, ReadingJsonContext.Default.Reading), PartitionKey = r.Sensor })
                .ToList();
            var response = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });
            Assert.Equal(0, response.FailedRecordCount);
        }
    }
}
