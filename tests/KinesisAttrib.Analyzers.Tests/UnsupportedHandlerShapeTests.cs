using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.KinesisHandlerAnalyzer>;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>
/// KA1001: what the generator's parser skips and no specific id covers is reported on the handler's name, with the
/// reason. The specific ids are in <see cref="HandlerDeclarationTests"/>.
/// </summary>
public sealed class UnsupportedHandlerShapeTests
{
    private const string Shapes = KinesisAttrib.Shared.HandlerSignature.SupportedShapes;
    private const string Body = " => Task.CompletedTask;";

    [Theory]
    [InlineData("public Task<int> {|#0:M|}(Order order, RecordContext record, CancellationToken ct) => Task.FromResult(1);",
        "it returns 'System.Threading.Tasks.Task<int>'; " + Shapes)]
    [InlineData("public BatchResult {|#0:M|}(Order order) => BatchResult.Success;",
        "it returns a BatchResult, which only batch handlers (taking IReadOnlyList<T>) can return")]
    [InlineData("public Task {|#0:M|}()" + Body,
        "it has no payload parameter; " + Shapes)]
    [InlineData("public Task {|#0:M|}(RecordContext record, CancellationToken ct)" + Body,
        "it has no payload parameter; " + Shapes)]
    public Task Method_WithUnsupportedShape_IsReportedWithItsReason(string member, string reason) => VerifyAsync(
        InHandlers($"[KinesisHandler(\"s\")] {member}"),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments("Sample.Handlers.M", reason));

    [Theory]
    [InlineData("public struct Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.Handlers.M", "it is declared in struct 'Sample.Handlers'; handlers must be declared in a class")]
    [InlineData("public record struct Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.Handlers.M", "it is declared in record struct 'Sample.Handlers'; handlers must be declared in a class")]
    [InlineData("public interface IHandlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.IHandlers.M", "it is declared in interface 'Sample.IHandlers'; handlers must be declared in a class")]
    public Task Handler_InUnsupportedType_IsReported(string declaration, string name, string reason) => VerifyAsync(
        File(declaration),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(name, reason));

    [Fact]
    public Task LocalFunctionLambdaAndAccessor_AreReported_AlthoughTheGeneratorNeverSeesThem() => VerifyAsync(
        InHandlers("""
            public Task Run()
            {
                Func<Order, RecordContext, CancellationToken, Task> handler = [{|#1:KinesisHandler("lambda")|}] (Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
                return Local(null, default, default);

                [KinesisHandler("local")] Task {|#0:Local|}(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }

            public Task P { [KinesisHandler("accessor")] {|#2:get|} => Task.CompletedTask; }
            """),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(1).WithArguments(
            "lambda", "it is a lambda; only ordinary methods declared in a class can be handlers"),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(
            "Local", "it is a local function; only ordinary methods declared in a class can be handlers"),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(2).WithArguments(
            "Sample.Handlers.P.get", "it is a property accessor; only ordinary methods declared in a class can be handlers"));

    [Fact]
    public Task ExplicitInterfaceImplementation_IsReported() => VerifyAsync(
        File("""
            public interface IHandler { Task M(Order order, RecordContext record, CancellationToken ct); }

            public sealed class Handlers : IHandler
            {
                [KinesisHandler("s")] Task IHandler.{|#0:M|}(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }
            """),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(
            "Sample.Handlers.M", "it is an explicit interface implementation; only ordinary methods declared in a class can be handlers"));

    [Fact]
    public Task UnresolvedPayloadType_IsLeftToTheCompiler() => VerifyAsync(
        InHandlers("""[KinesisHandler("s")] public void M({|CS0246:Missing|} order) { }"""));

    [Fact]
    public Task SupportedHandlers_ProduceNoDiagnostics() => VerifyAsync(
        File($$"""
            public sealed class Handlers
            {
                [KinesisHandler("orders")]
                public Task OnOrder(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                [KinesisHandler("orders", ApplicationName = "async")]
                public async Task OnOrderAsync(Order order, RecordContext record, CancellationToken ct) => await Task.Yield();

                [KinesisHandler("orders", ApplicationName = "internal", InitialPosition = InitialPosition.Latest)]
                internal Task Internal(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                [KinesisHandler("orders", ApplicationName = "static")]
                public static Task Static(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                [KinesisHandler("orders", ApplicationName = "json", JsonSerializerContext = typeof(OrderJsonContext))]
                public Task Json(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                [KinesisHandler("orders", ApplicationName = "nulljson", JsonSerializerContext = null)]
                public Task NullJson(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                [KinesisHandler("orders", ApplicationName = "values")]
                public Task Values(int count, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                [KinesisHandler("orders", ApplicationName = "keyword")]
                public Task @event(Order? order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }

            public class Unsealed
            {
                [KinesisHandler("orders", ApplicationName = "protected-internal")]
                protected internal Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }

            public static class StaticHandlers
            {
                [KinesisHandler("orders", ApplicationName = "static-class")]
                public static Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }

            public abstract class AbstractHandlers
            {
                [KinesisHandler("orders", ApplicationName = "abstract-static")]
                public static Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }

            internal static class Outer
            {
                internal sealed record Handlers
                {
                    [KinesisHandler("orders", ApplicationName = "nested-record")]
                    public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
                }
            }

            public interface IStore { }

            public sealed class EveryShape
            {
                [KinesisHandler("shapes", ApplicationName = "void")] public void A(Order order) { }
                [KinesisHandler("shapes", ApplicationName = "value-task")] public ValueTask B(CancellationToken ct, Order order, IStore store, RecordContext record) => default;
                [KinesisHandler("shapes", ApplicationName = "batch")] public Task C(IReadOnlyList<Order> orders, BatchContext batch, IRecordProcessorCheckpointer checkpointer) => Task.CompletedTask;
                [KinesisHandler("shapes", ApplicationName = "records")] public BatchResult D(IReadOnlyList<KinesisRecord<Order>> records) => BatchResult.Success;
                [KinesisHandler("shapes", ApplicationName = "text")] public void E(string text) { }
                [KinesisHandler("shapes", ApplicationName = "bytes")] public void F(byte[] bytes) { }
                [KinesisHandler("shapes", ApplicationName = "memory")] public void G(ReadOnlyMemory<byte> bytes) { }
                [KinesisHandler("shapes", ApplicationName = "raw")] public void H(KinesisClientRecord record) { }
                [KinesisHandler("shapes", ApplicationName = "periodic", CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 10)] public void I(Order order) { }
                [KinesisHandler("shapes", ApplicationName = "at", InitialPosition = InitialPosition.AtTimestamp, InitialTimestamp = "2025-01-31T00:00:00Z")] public void J(Order order) { }
                [KinesisHandler("shapes", ApplicationName = "two-services")] public void K(Order order, IStore first, IStore second) { }
            }

            #nullable enable
            public sealed class NullableHandlers
            {
                [KinesisHandler("orders", ApplicationName = "nullable")]
                public Task M(Order? order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }

            {{OrderJsonContext}}
            """));

    [Fact]
    public Task MethodsWithoutTheAttribute_AreNotAnalyzed() => VerifyAsync(
        InHandlers("private void M<T>(ref T a) { }"));
}
