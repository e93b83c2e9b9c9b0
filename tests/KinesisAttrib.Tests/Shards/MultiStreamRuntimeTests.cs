using System.Text;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.Shards;

/// <summary>
/// The runtime picks stream-qualified lease keys exactly for lease tables that hold more than one stream: an application
/// on two streams whose configured LeaseTableName puts both in one table.
/// </summary>
public sealed class MultiStreamRuntimeTests
{
    [Fact]
    public async Task Runtime_GivesAnApplicationOnTwoStreamsInOneTableStreamQualifiedKeys_AndASingleStreamApplicationBareShardIds()
    {
        var kinesis = new InMemoryKinesisClient();
        foreach (var stream in new[] { "orders", "payments" })
        {
            await kinesis.CreateStreamAsync(stream, 2);
            await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = Enumerable.Range(0, 20).Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"{stream}-{i}"), PartitionKey = $"k{i}" }).ToList() });
        }

        var leases = new InMemoryLeaseStoreFactory();
        var sinks = new[] { new RecordingSink(), new RecordingSink(), new RecordingSink() };
        var builder = RuntimeHost.CreateBuilder(kinesis, leases, o => o.Applications["billing"] = new KinesisApplicationOptions { LeaseTableName = "billing" });
        builder.Services.AddKinesisHandler(Descriptor("BillingOrders", "billing", "orders", sinks[0]));
        builder.Services.AddKinesisHandler(Descriptor("BillingPayments", "billing", "payments", sinks[1]));
        builder.Services.AddKinesisHandler(Descriptor("AuditOrders", "audit", "orders", sinks[2]));
        using var host = builder.Build();

        await host.StartAsync();
        await Task.WhenAll(sinks.Select(s => s.WhenCountReaches(20, TimeSpan.FromSeconds(30))));
        var runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();
        var multi = runtime.Schedulers.ToDictionary(s => $"{s.ApplicationName}/{s.StreamName}", s => s.UsesMultiStreamLeaseKeys);
        await host.StopAsync();

        Assert.Equal(new Dictionary<string, bool> { ["billing/orders"] = true, ["billing/payments"] = true, ["audit/orders"] = false }, multi);
        Assert.Equal(
            ["orders:shardId-000000000000", "orders:shardId-000000000001", "payments:shardId-000000000000", "payments:shardId-000000000001"],
            (await leases.Create("billing").ListLeasesAsync()).Select(l => l.LeaseKey));
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], (await leases.Create("audit").ListLeasesAsync()).Select(l => l.LeaseKey));
        Assert.All(sinks[1].ByShard().Values.SelectMany(r => r), r => Assert.StartsWith("payments-", Encoding.UTF8.GetString(r.Data.Span), StringComparison.Ordinal));
    }

    private static KinesisHandlerDescriptor Descriptor(string name, string application, string stream, RecordingSink sink) => new()
    {
        Settings = new HandlerSettings { StreamName = stream, ApplicationName = application, HandlerName = name },
        CreateProcessor = (_, _) => new RecordingProcessor(sink),
    };
}
