using System.Text;
using System.Text.Json.Serialization;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Processing;
using Microsoft.Extensions.Hosting;

namespace KinesisAttrib.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 15's "fresh app": a context declared the ordinary way (no options) consumes camelCase records from kinesalite
/// and gets their fields; a record whose properties all miss the payload type is skipped under SkipAndLog, not handed
/// over empty. The processor is written as the generator writes it (GeneratedJsonNameMatchingTests runs the generated
/// one): a generated handler here would join every other test's host through AddKinesisHandlers().
/// </summary>
[Collection("emulators")]
public sealed partial class JsonNameMatchingEndToEndTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task OrdinaryContext_ReceivesCamelCaseRecordsWithTheirFields_AndSkipsAnUnmatchedOne()
    {
        var stream = EmulatorFixture.UniqueName("plain-orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 1);
        // One shard keeps the order: when the last order arrives, the unmatched record before it has been decided.
        var records = Enumerable.Range(0, 20).Select(i => $$"""{"orderId":"o-{{i}}","amount":{{i}}.5,"customerId":"c-{{i % 3}}"}""").ToList();
        records.Insert(10, """{"order_id":"o-snake","amount_cents":150}""");
        var response = await kinesis.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = stream,
            Records = [.. records.Select(r => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes(r), PartitionKey = "pk" })],
        });
        Assert.Equal(0, response.FailedRecordCount);

        var received = new PlainOrderCollector(expected: 20);
        using (var host = BuildHost(EmulatorFixture.UniqueName("plain-json"), stream, received))
        {
            await host.StartAsync();
            await received.AllArrived.WaitAsync(Timeout);
            await host.StopAsync();
        }

        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => new PlainOrder($"o-{i}", i + 0.5m, $"c-{i % 3}")),
            received.Orders);
    }

    private IHost BuildHost(string application, string stream, PlainOrderCollector collector)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddKinesisAttrib(o =>
        {
            o.ApplicationName = application;
            o.StreamNames["plain-orders"] = stream;
            o.WorkerId = "worker-json";
            o.Region = EmulatorFixture.Region;
            o.KinesisEndpoint = emulators.KinesisEndpoint;
            o.DynamoDbEndpoint = emulators.DynamoDbEndpoint;
            o.Credentials = EmulatorFixture.Credentials;
            o.IdleTimeBetweenReads = TimeSpan.FromMilliseconds(100);
            o.LeaseTakerInterval = TimeSpan.FromMilliseconds(500);
        });
        builder.Services.AddKinesisHandler(new KinesisHandlerDescriptor
        {
            Settings = new HandlerSettings
            {
                HandlerName = nameof(JsonNameMatchingEndToEndTests),
                StreamName = "plain-orders",
                DeserializationFailurePolicy = DeserializationFailurePolicy.SkipAndLog,
            },
            CreateProcessor = (services, settings) => new PlainOrderProcessor(services, settings, collector),
        });
        return builder.Build();
    }

    public sealed record PlainOrder(string OrderId, decimal Amount, string CustomerId);

    /// <summary>Declared the ordinary way: no [JsonSourceGenerationOptions], so its own options are case-sensitive.</summary>
    [JsonSerializable(typeof(PlainOrder))]
    internal sealed partial class PlainOrderJsonContext : JsonSerializerContext;

    private sealed class PlainOrderProcessor(IServiceProvider services, HandlerSettings settings, PlainOrderCollector collector)
        : RecordHandlerProcessor<PlainOrder>(services, JsonRecordDeserializer.FromContext<PlainOrder>(PlainOrderJsonContext.Default, allowNull: false, caseSensitive: settings.JsonPropertyNamesCaseSensitive), settings)
    {
        protected override ValueTask HandleAsync(IServiceProvider services, PlainOrder payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            collector.Add(payload);
            return default;
        }
    }

    private sealed class PlainOrderCollector(int expected)
    {
        private readonly object _gate = new();
        private readonly List<PlainOrder> _orders = [];
        private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task AllArrived => _allArrived.Task;

        public IReadOnlyList<PlainOrder> Orders
        {
            get
            {
                lock (_gate)
                {
                    return [.. _orders];
                }
            }
        }

        public void Add(PlainOrder order)
        {
            lock (_gate)
            {
                _orders.Add(order);
                if (_orders.Count >= expected)
                {
                    _allArrived.TrySetResult();
                }
            }
        }
    }
}
