using System.Text;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Hosting;

public sealed class KinesisAttribRuntimeTests
{
    private static KinesisHandlerDescriptor Descriptor(string name, string? application, RecordingSink sink) => new()
    {
        Settings = new HandlerSettings { StreamName = "orders", ApplicationName = application, HandlerName = name },
        CreateProcessor = (_, _) => new RecordingProcessor(sink),
    };

    [Fact]
    public async Task Runtime_RunsEachApplicationIndependently_WithItsOwnLeaseTable()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "orders", Records = Enumerable.Range(0, 40).Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"r{i}"), PartitionKey = $"k{i}" }).ToList() });
        var leases = new InMemoryLeaseStoreFactory();
        var archive = new RecordingSink();
        var totals = new RecordingSink();
        var builder = RuntimeHost.CreateBuilder(kinesis, leases);
        builder.Services.AddKinesisHandler(Descriptor("Archive", "archive", archive));
        builder.Services.AddKinesisHandler(Descriptor("Totals", "totals", totals));
        using var host = builder.Build();

        await host.StartAsync();
        await Task.WhenAll(archive.WhenCountReaches(40, TimeSpan.FromSeconds(30)), totals.WhenCountReaches(40, TimeSpan.FromSeconds(30)));
        await host.StopAsync();

        Assert.Equal(2, (await leases.Create("archive").ListLeasesAsync()).Count);
        Assert.Equal(2, (await leases.Create("totals").ListLeasesAsync()).Count);
        Assert.All(await leases.Create("archive").ListLeasesAsync(), l => Assert.False(l.Checkpoint.IsSentinel));
    }

    [Fact]
    public async Task Runtime_RefusesTwoHandlersForTheSameApplicationAndStream_NamingBoth()
    {
        var builder = RuntimeHost.CreateBuilder(new InMemoryKinesisClient(), new InMemoryLeaseStoreFactory());
        builder.Services.AddKinesisHandler(Descriptor("First", "app", new RecordingSink()));
        builder.Services.AddKinesisHandler(Descriptor("Second", "app", new RecordingSink()));
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("First", error.Message, StringComparison.Ordinal);
        Assert.Contains("Second", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runtime_RefusesAHandlerWithoutAnApplicationName()
    {
        var builder = RuntimeHost.CreateBuilder(new InMemoryKinesisClient(), new InMemoryLeaseStoreFactory());
        builder.Services.AddKinesisHandler(Descriptor("Nameless", null, new RecordingSink()));
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("ApplicationName", error.Message, StringComparison.Ordinal);
    }
}
