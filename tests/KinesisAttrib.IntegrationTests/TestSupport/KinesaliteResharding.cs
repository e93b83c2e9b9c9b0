using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>
/// SplitShard and MergeShards on kinesalite, which the runtime's Kinesis client does not (yet) offer: a plain JSON 1.1
/// request to the loopback emulator (which checks the Authorization header's shape, never its signature).
/// </summary>
internal static class KinesaliteResharding
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static Task SplitShardAsync(Uri endpoint, string stream, string shardId, string newStartingHashKey)
        => SendAsync(endpoint, "SplitShard", $$"""{"StreamName":"{{stream}}","ShardToSplit":"{{shardId}}","NewStartingHashKey":"{{newStartingHashKey}}"}""");

    public static Task MergeShardsAsync(Uri endpoint, string stream, string shardId, string adjacentShardId)
        => SendAsync(endpoint, "MergeShards", $$"""{"StreamName":"{{stream}}","ShardToMerge":"{{shardId}}","AdjacentShardToMerge":"{{adjacentShardId}}"}""");

    public static async Task WaitUntilActiveAsync(IKinesisClient kinesis, string stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await kinesis.DescribeStreamSummaryAsync(stream, timeout.Token)).StreamStatus != "ACTIVE")
        {
            // Kinesalite flips the status back on a timer; there is no notification to await.
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task SendAsync(Uri endpoint, string operation, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Content = new StringContent(json, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        var date = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", date);
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIAEMULATOREXAMPLE/{date[..8]}/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000");
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation} failed: {(int)response.StatusCode} {body}");
    }
}
