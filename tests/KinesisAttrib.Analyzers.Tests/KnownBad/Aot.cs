// Known-bad JSON under Native AOT: this project sets PublishAot=true and names no assembly-wide context (see
// Declarations.cs for how this folder is used).
using KinesisAttrib.Handlers;

namespace KnownBad;

public sealed class Aot
{
    [KinesisHandler("refunds", ApplicationName = "reflection")]
    public void OnRefund(Refund refund) { } // expect: KA3003

    [KinesisHandler("orders", ApplicationName = "source-generated", JsonSerializerContext = typeof(KnownBadJsonContext))]
    public void OnOrder(Order order) { }

    [KinesisHandler("orders", ApplicationName = "text")]
    public void OnText(string text) { }
}
