// Known-bad payloads (see Declarations.cs for how this folder is used).
using KinesisAttrib.Handlers;

namespace KnownBad;

public sealed class Payloads
{
    [KinesisHandler("events", ApplicationName = "interface", JsonSerializerContext = typeof(KnownBadJsonContext))]
    public void OnEvent(IOrderEvent orderEvent) { } // expect: KA3001

    [KinesisHandler("refunds", ApplicationName = "missing-from-context", JsonSerializerContext = typeof(KnownBadJsonContext))] // expect: KA3002
    public void OnRefund(Refund refund) { }

    [KinesisHandler("orders", ApplicationName = "not-a-context", JsonSerializerContext = typeof(NotAContext))] // expect: KA3004
    public void OnOrder(Order order) { }

    [KinesisHandler("orders", ApplicationName = "good", JsonSerializerContext = typeof(KnownBadJsonContext))]
    public void Good(Order? order) { }
}
