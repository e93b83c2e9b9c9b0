using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>KA1001: every handler the generator's parser skips is reported on its name, with the reason.</summary>
public sealed class UnsupportedHandlerShapeTests
{
    private const string Shapes = KinesisAttrib.Shared.HandlerSignature.SupportedShapes;
    private const string Body = " => Task.CompletedTask;";

    [Theory]
    [InlineData("public Task {|#0:M|}<T>(T order, RecordContext record, CancellationToken ct)" + Body,
        "it is generic; a handler cannot have type parameters (give the payload a concrete type)", "Sample.Handlers.M<T>")]
    [InlineData("private Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body,
        "it is private, so the generated code cannot call it; make it internal or public")]
    [InlineData("protected Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body,
        "it is protected, so the generated code cannot call it; make it internal or public")]
    [InlineData("private protected Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body,
        "it is private protected, so the generated code cannot call it; make it internal or public")]
    [InlineData("public async void {|#0:M|}(Order order, RecordContext record, CancellationToken ct) { await Task.Yield(); }",
        "it is 'async void', so failures could not be seen and records would be checkpointed before they are processed; return Task or ValueTask")]
    [InlineData("public Task<int> {|#0:M|}(Order order, RecordContext record, CancellationToken ct) => Task.FromResult(1);",
        "it returns 'System.Threading.Tasks.Task<int>'; " + Shapes)]
    [InlineData("public BatchResult {|#0:M|}(Order order) => BatchResult.Success;",
        "it returns a BatchResult, which only batch handlers (taking IReadOnlyList<T>) can return")]
    [InlineData("public Task {|#0:M|}(IReadOnlyList<Order> orders, RecordContext record)" + Body,
        "parameter 'record' is a RecordContext, but a batch handler has no single record; take IReadOnlyList<KinesisRecord<T>> for each record's context, or BatchContext")]
    [InlineData("public Task {|#0:M|}()" + Body,
        "it has no payload parameter; " + Shapes)]
    [InlineData("public Task {|#0:M|}(RecordContext record, CancellationToken ct)" + Body,
        "it has no payload parameter; " + Shapes)]
    [InlineData("public Task {|#0:M|}(ref Order order, RecordContext record, CancellationToken ct)" + Body,
        "parameter 'order' is passed by reference; pass it by value")]
    [InlineData("public Task {|#0:M|}(Order order, in RecordContext record, CancellationToken ct)" + Body,
        "parameter 'record' is passed by reference; pass it by value")]
    [InlineData("public Task {|#0:M|}(RecordContext record, CancellationToken ct, params Order[] orders)" + Body,
        "parameter 'orders' is 'params'; " + Shapes)]
    [InlineData("public Task {|#0:M|}(Order order, dynamic service)" + Body,
        "parameter 'service' is 'dynamic'; a service must be a concrete type")]
    [InlineData("public Task {|#0:M|}(dynamic order, RecordContext record, CancellationToken ct)" + Body,
        "parameter 'order' is 'dynamic'; a payload must be a concrete type")]
    [InlineData("public Task {|#0:M|}(Memory<byte> order)" + Body,
        "parameter 'order' is Memory<byte>; take ReadOnlyMemory<byte> (the record's bytes, no copy) or byte[] (a copy you may change)")]
    [InlineData("public Task {|#0:M|}(Span<byte> order, RecordContext record, CancellationToken ct)" + Body,
        "parameter 'order' has ref struct type 'System.Span<byte>', which cannot be a payload")]
    [InlineData("public Task {|#0:M|}(KinesisRecord<Order> order, CancellationToken ct)" + Body,
        "parameter 'order' is a KinesisRecord<T>, which batch handlers receive in an IReadOnlyList<KinesisRecord<T>>; a per-record handler takes T and a RecordContext")]
    [InlineData("public Task {|#0:M|}(Order order, int retries = 3)" + Body,
        "parameter 'retries' is a service from dependency injection with a default value other than null, which would never be used; register the value as a service, or make the parameter nullable with default null to make it optional")]
    public Task Method_WithUnsupportedShape_IsReportedWithItsReason(string member, string reason, string name = "Sample.Handlers.M") => VerifyAsync(
        InHandlers($"[KinesisHandler(\"s\")] {member}"),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(name, reason));

    [Theory]
    [InlineData("public struct Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.Handlers.M", "it is declared in struct 'Sample.Handlers'; handlers must be declared in a class")]
    [InlineData("public record struct Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.Handlers.M", "it is declared in record struct 'Sample.Handlers'; handlers must be declared in a class")]
    [InlineData("public interface IHandlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.IHandlers.M", "it is declared in interface 'Sample.IHandlers'; handlers must be declared in a class")]
    [InlineData("public interface IHandlers { [KinesisHandler(\"s\")] Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct); }",
        "Sample.IHandlers.M", "it is abstract; a handler needs a body the generated processor can call")]
    [InlineData("public abstract class Handlers { [KinesisHandler(\"s\")] public abstract Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct); }",
        "Sample.Handlers.M", "it is abstract; a handler needs a body the generated processor can call")]
    [InlineData("public abstract class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.Handlers.M", "it is an instance method of abstract class 'Sample.Handlers', which dependency injection cannot create; make the class concrete or the method static")]
    [InlineData("public sealed class Handlers<T> { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.Handlers<T>.M", "its class 'Sample.Handlers<T>' is generic; declare handlers in a non-generic class")]
    [InlineData("public sealed class Outer<T> { public sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " } }",
        "Sample.Outer<T>.Handlers.M", "its containing type 'Sample.Outer<T>' is generic; declare handlers in a non-generic class")]
    [InlineData("public static class Outer { private sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " } }",
        "Sample.Outer.Handlers.M", "its class 'Sample.Outer.Handlers' is private, so the generated code cannot reach it; make it internal or public")]
    [InlineData("public class Outer { protected sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " } }",
        "Sample.Outer.Handlers.M", "its class 'Sample.Outer.Handlers' is protected, so the generated code cannot reach it; make it internal or public")]
    [InlineData("public class Outer { private sealed class Middle { public sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " } } }",
        "Sample.Outer.Middle.Handlers.M", "its containing type 'Sample.Outer.Middle' is private, so the generated code cannot reach it; make it internal or public")]
    [InlineData("public sealed class Handlers { [KinesisHandler(\"s\", JsonSerializerContext = typeof(Order))] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct)" + Body + " }",
        "Sample.Handlers.M", "JsonSerializerContext 'Sample.Order' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext")]
    [InlineData("public sealed class Handlers { [KinesisHandler(\"s\", CheckpointMode = CheckpointMode.Periodic)] public void {|#0:M|}(Order order) { } }",
        "Sample.Handlers.M", "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero")]
    [InlineData("public sealed class Handlers { [KinesisHandler(\"s\", InitialPosition = InitialPosition.AtTimestamp, InitialTimestamp = \"soon\")] public void {|#0:M|}(Order order) { } }",
        "Sample.Handlers.M", "InitialTimestamp \"soon\" is not an ISO 8601 time such as \"2025-01-31T00:00:00Z\"")]
    [InlineData("public sealed class Handlers { [KinesisHandler(\"s\", PayloadFormat = PayloadFormat.Text)] public void {|#0:M|}(Order order) { } }",
        "Sample.Handlers.M", "PayloadFormat.Text needs a string payload")]
    [InlineData("public sealed class Handlers { [KinesisHandler(\"s\", MaxRecords = 0)] public void {|#0:M|}(Order order) { } }",
        "Sample.Handlers.M", "MaxRecords is 0; it must be 1 to 10000")]
    [InlineData("public sealed class Handlers { [KinesisHandler(\"s\", Deserializer = typeof(Order))] public void {|#0:M|}(Order order) { } }",
        "Sample.Handlers.M", "Deserializer 'Sample.Order' does not implement IRecordDeserializer<Sample.Order>")]
    public Task Handler_InUnsupportedTypeOrWithUnsupportedAttribute_IsReported(string declaration, string name, string reason) => VerifyAsync(
        File(declaration),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(name, reason));

    [Fact]
    public Task Handler_InFileLocalClass_IsReported() => VerifyAsync(
        File("""
            file sealed class Handlers
            {
                [KinesisHandler("s")] public Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }
            """),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(
            "Sample.Handlers.M",
            "its class 'Sample.Handlers' is file-local, so the generated code (in another file) cannot reach it; make it internal or public"));

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
    public Task OnlyTheFirstReason_IsReported_OnePerHandler() => VerifyAsync(
        InHandlers("""[KinesisHandler("s")] private void {|#0:M|}<T>(ref T a, T b) { }"""),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(
            "Sample.Handlers.M<T>", "it is generic; a handler cannot have type parameters (give the payload a concrete type)"));

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
    public Task PartialMethodHandler_IsAnalyzedOnce() => VerifyAsync(
        File("""
            public partial class Handlers
            {
                [KinesisHandler("orders")]
                public partial Task M(Order order, RecordContext record, CancellationToken ct);

                [KinesisHandler("orders", ApplicationName = "other")]
                private partial Task {|#0:N|}(Order order, RecordContext record, CancellationToken ct);
            }

            public partial class Handlers
            {
                public partial Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                private partial Task N(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }
            """),
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(
            "Sample.Handlers.N", "it is private, so the generated code cannot call it; make it internal or public"));

    [Fact]
    public Task AssemblyDefaults_AreMergedLikeTheGeneratorDoes_AndQualifiersOnlyFollowTheirChoice() => VerifyAsync(
        [
            File("""
                public sealed class Handlers
                {
                    [KinesisHandler("s", ApplicationName = "inherits")] public void A(Order order) { }
                    [KinesisHandler("s", ApplicationName = "manual", CheckpointMode = CheckpointMode.Manual, InitialPosition = InitialPosition.Latest)] public void B(Order order) { }
                    [KinesisHandler("s", ApplicationName = "text", PayloadFormat = PayloadFormat.Text)] public void {|#0:C|}(Order order) { }
                }
                """),
            """
            [assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(
                CheckpointMode = KinesisAttrib.Handlers.CheckpointMode.Periodic, CheckpointEveryRecords = 100,
                InitialPosition = KinesisAttrib.Handlers.InitialPosition.AtTimestamp, InitialTimestamp = "2025-01-31T00:00:00Z")]
            """,
        ],
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments("Sample.Handlers.C", "PayloadFormat.Text needs a string payload"));

    [Fact]
    public Task UnusableAssemblyDefaults_AreReportedOnEveryHandler() => VerifyAsync(
        [
            File("""public sealed class Handlers { [KinesisHandler("s")] public void {|#0:A|}(Order order) { } }"""),
            "[assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(JsonSerializerContext = typeof(Sample.Order))]",
        ],
        Diagnostic(Descriptors.UnsupportedHandlerShape).WithLocation(0).WithArguments(
            "Sample.Handlers.A",
            "[assembly: KinesisHandlerDefaults] is unusable: JsonSerializerContext 'Sample.Order' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext"));

    [Fact]
    public Task MethodsWithoutTheAttribute_AreNotAnalyzed() => VerifyAsync(
        InHandlers("private void M<T>(ref T a) { }"));
}
