using System.Globalization;
using System.Text.Json;
using KinesisAttrib.Kinesis;

namespace OrderPipeline;

/// <summary>Makes deterministic demo orders and puts them on a stream, retrying records the service rejected.</summary>
public static class OrderGenerator
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Order Create(int index) => new(
        $"ord-{index.ToString("D8", CultureInfo.InvariantCulture)}",
        $"cust-{(index % 50).ToString("D4", CultureInfo.InvariantCulture)}",
        ((index % 40) + 1) * 2.5m,
        Epoch.AddSeconds(index));

    /// <summary>Puts orders <paramref name="first"/>..first+count-1 in calls of up to 500 records.</summary>
    public static async Task PutAsync(IKinesisClient kinesis, string streamName, int first, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinesis);
        for (var offset = 0; offset < count; offset += 500)
        {
            var pending = Enumerable.Range(first + offset, Math.Min(500, count - offset))
                .Select(i => Create(i))
                .Select(o => new PutRecordsRequestEntry { Data = JsonSerializer.SerializeToUtf8Bytes(o, OrderJsonContext.Default.Order), PartitionKey = o.CustomerId })
                .ToList();
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                var response = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = streamName, Records = pending }, cancellationToken);
                var failed = pending.Where((_, i) => response.Records[i].ErrorCode is not null).ToList();
                if (failed.Count > 0 && attempt >= 10)
                {
                    var error = response.Records.First(r => r.ErrorCode is not null);
                    throw new InvalidOperationException($"{failed.Count} orders could not be put on '{streamName}' after {attempt} attempts: {error.ErrorCode}: {error.ErrorMessage}");
                }

                if (failed.Count > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
                }

                pending = failed;
            }
        }
    }
}
