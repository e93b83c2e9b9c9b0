using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>The fixture every integration test stands on: the emulators answer on loopback addresses.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class EmulatorFixtureTests(EmulatorFixture emulators)
{
    [Fact]
    public void Endpoints_AreDistinctLoopbackPorts()
    {
        Assert.Equal(IPAddress.Loopback.ToString(), emulators.KinesisEndpoint.Host);
        Assert.Equal(IPAddress.Loopback.ToString(), emulators.DynamoDbEndpoint.Host);
        Assert.Equal(IPAddress.Loopback.ToString(), emulators.KinesisLocalEndpoint.Host);
        Assert.Equal(3, new[] { emulators.KinesisEndpoint.Port, emulators.DynamoDbEndpoint.Port, emulators.KinesisLocalEndpoint.Port }.Distinct().Count());
    }

    [Fact]
    public async Task KinesisLocalEndpoint_ServesKinesisWithStreamConsumers()
    {
        using var client = emulators.CreateKinesisLocalClient();
        var name = EmulatorFixture.UniqueName("fixture-efo");

        await client.CreateStreamAsync(name, 1);
        var summary = await client.DescribeStreamSummaryAsync(name);

        // kinesalite would refuse RegisterStreamConsumer as an unknown operation.
        var consumer = await client.RegisterStreamConsumerAsync(summary.StreamArn!, "fixture-smoke");
        Assert.Equal("fixture-smoke", consumer.ConsumerName);
    }

    [Fact]
    public async Task DynamoDbEndpoint_ServesDynalite()
    {
        using var client = emulators.CreateDynamoDbClient();

        var tables = await client.ListTablesAsync(new ListTablesRequest());

        Assert.NotNull(tables);
    }

    [Fact]
    public async Task KinesisEndpoint_ServesKinesalite()
    {
        using var http = new HttpClient { BaseAddress = emulators.KinesisEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        var name = EmulatorFixture.UniqueName("fixture-smoke");

        using var created = await http.SendAsync(KinesisRequest("CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":2}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        // Even with createStreamMs 0 kinesalite reports CREATING for a moment, as real Kinesis does for longer.
        JsonElement summary;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var described = await http.SendAsync(KinesisRequest("DescribeStreamSummary", $$"""{"StreamName":"{{name}}"}"""), timeout.Token);
            summary = JsonDocument.Parse(await described.Content.ReadAsStringAsync(timeout.Token)).RootElement.GetProperty("StreamDescriptionSummary");
            if (summary.GetProperty("StreamStatus").GetString() == "ACTIVE")
            {
                break;
            }

            await Task.Delay(20, timeout.Token);
        }

        Assert.Equal(2, summary.GetProperty("OpenShardCount").GetInt32());
    }

    // Kinesalite checks that a request carries SigV4-shaped authentication, not that the signature is right.
    private static HttpRequestMessage KinesisRequest(string operation, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", $"Kinesis_20131202.{operation}");
        request.Headers.Add("X-Amz-Date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential={EmulatorFixture.Credentials.GetCredentials().AccessKey}/20250101/{EmulatorFixture.Region}/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000");
        return request;
    }
}
