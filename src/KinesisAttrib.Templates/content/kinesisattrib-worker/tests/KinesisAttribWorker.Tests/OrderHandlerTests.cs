using KinesisAttrib.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttribWorker.Tests;

public sealed class OrderHandlerTests
{
    [Fact]
    public void OnOrder_AddsTheAmountToTheCustomersTotal()
    {
        var totals = new OrderTotals();
        var handler = new OrderHandler(totals);
        var order = new Order("o-1", "c-1", 12.5m);
        var record = KinesisTestData.JsonRecord(order, OrderJsonContext.Default.Order, partitionKey: order.CustomerId);

        handler.OnOrder(order, KinesisTestData.RecordContext(record));

        Assert.Equal(12.5m, totals.Total("c-1"));
    }

    [Fact]
    public async Task Orders_PutOnTheStream_AreTotalledAndCheckpointed()
    {
        var totals = new OrderTotals();
        // The app's handlers (AddKinesisHandlersFromApp is generated in the app, public) on an in-memory stream.
        await using var host = await KinesisTestHost.StartAsync(
            services => services.AddKinesisHandlersFromApp().AddSingleton(totals),
            streams: ["orders"]);

        await host.PutJsonAsync("orders", new Order("o-1", "c-1", 10m), OrderJsonContext.Default.Order, partitionKey: "c-1");
        var last = await host.PutJsonAsync("orders", new Order("o-2", "c-1", 5m), OrderJsonContext.Default.Order, partitionKey: "c-1");
        await host.WaitForRecordsHandledAsync(2, TimeSpan.FromSeconds(30));
        await host.WaitForCheckpointAsync(last, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(15m, totals.Total("c-1"));
    }
}
