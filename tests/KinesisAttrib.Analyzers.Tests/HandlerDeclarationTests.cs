using System.Reflection;
using Microsoft.CodeAnalysis;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.KinesisHandlerAnalyzer>;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>
/// KA1004–KA1016 and KA3004: each rule the generator skips a handler for has its own id, reported where the fault is
/// (the method's name, the parameter, or the attribute argument), with the reason; and correct near-misses are quiet.
/// </summary>
public sealed class HandlerDeclarationTests
{
    private const string Body = " => Task.CompletedTask;";
    private const string Args = "(Order order, RecordContext record, CancellationToken ct)";

    [Theory]
    // KA1004 generic.
    [InlineData("KA1004", "public Task {|#0:M|}<T>(T order, RecordContext record, CancellationToken ct)" + Body,
        "it is generic; a handler cannot have type parameters (give the payload a concrete type)", "Sample.Handlers.M<T>")]
    // KA1006 inaccessible.
    [InlineData("KA1006", "private Task {|#0:M|}" + Args + Body, "it is private, so the generated code cannot call it; make it internal or public")]
    [InlineData("KA1006", "protected Task {|#0:M|}" + Args + Body, "it is protected, so the generated code cannot call it; make it internal or public")]
    [InlineData("KA1006", "private protected Task {|#0:M|}" + Args + Body, "it is private protected, so the generated code cannot call it; make it internal or public")]
    // KA1007 unsupported parameters, reported on the parameter.
    [InlineData("KA1007", "public Task M(ref Order {|#0:order|})" + Body, "parameter 'order' is passed by reference; pass it by value")]
    [InlineData("KA1007", "public Task M(Order order, in RecordContext {|#0:record|})" + Body, "parameter 'record' is passed by reference; pass it by value")]
    [InlineData("KA1007", "public Task M(Order order, params IStore[] {|#0:stores|})" + Body,
        "parameter 'stores' is 'params'; " + KinesisAttrib.Shared.HandlerSignature.SupportedShapes)]
    [InlineData("KA1007", "public Task M(Order order, dynamic {|#0:service|})" + Body, "parameter 'service' is 'dynamic'; a service must be a concrete type")]
    [InlineData("KA1007", "public Task M(dynamic {|#0:order|})" + Body, "parameter 'order' is 'dynamic'; a payload must be a concrete type")]
    [InlineData("KA1007", "public Task M(Memory<byte> {|#0:order|})" + Body,
        "parameter 'order' is Memory<byte>; take ReadOnlyMemory<byte> (the record's bytes, no copy) or byte[] (a copy you may change)")]
    [InlineData("KA1007", "public Task M(Span<byte> {|#0:order|})" + Body, "parameter 'order' has ref struct type 'System.Span<byte>', which cannot be a payload")]
    [InlineData("KA1007", "public Task M(KinesisRecord<Order> {|#0:order|}, CancellationToken ct)" + Body,
        "parameter 'order' is a KinesisRecord<T>, which batch handlers receive in an IReadOnlyList<KinesisRecord<T>>; a per-record handler takes T and a RecordContext")]
    [InlineData("KA1007", "public Task M(IReadOnlyList<Order> orders, RecordContext {|#0:record|})" + Body,
        "parameter 'record' is a RecordContext, but a batch handler has no single record; take IReadOnlyList<KinesisRecord<T>> for each record's context, or BatchContext")]
    [InlineData("KA1007", "public Task M(Order order, int {|#0:retries|} = 3)" + Body,
        "parameter 'retries' is a service from dependency injection with a default value other than null, which would never be used; register the value as a service, or make the parameter nullable with default null to make it optional")]
    // KA1009 a second payload, reported on it.
    [InlineData("KA1009", "public Task M(Order order, Order {|#0:other|})" + Body,
        "parameters 'order' and 'other' both look like payloads, but a handler has one payload (the first parameter that is not a context type); 'other' would be resolved from dependency injection. Take one payload, or IReadOnlyList<T> for a batch")]
    [InlineData("KA1009", "public Task M(RecordContext record, Order order, string {|#0:text|})" + Body,
        "parameters 'order' and 'text' both look like payloads, but a handler has one payload (the first parameter that is not a context type); 'text' would be resolved from dependency injection. Take one payload, or IReadOnlyList<T> for a batch")]
    [InlineData("KA1009", "public Task M(IReadOnlyList<Order> orders, IReadOnlyList<KinesisRecord<Order>> {|#0:records|})" + Body,
        "parameters 'orders' and 'records' both look like payloads, but a handler has one payload (the first parameter that is not a context type); 'records' would be resolved from dependency injection. Take one payload, or IReadOnlyList<T> for a batch")]
    [InlineData("KA1009", "public Task M(Order order, byte[] {|#0:again|})" + Body,
        "parameters 'order' and 'again' both look like payloads, but a handler has one payload (the first parameter that is not a context type); 'again' would be resolved from dependency injection. Take one payload, or IReadOnlyList<T> for a batch")]
    // KA1010 async void.
    [InlineData("KA1010", "public async void {|#0:M|}" + Args + " { await Task.Yield(); }",
        "it is 'async void', so failures could not be seen and records would be checkpointed before they are processed; return Task or ValueTask")]
    public Task Method_BreakingARule_IsReportedWithItsId(string id, string member, string reason, string name = "Sample.Handlers.M") => VerifyAsync(
        File("public interface IStore { }\n\npublic class Handlers\n{\n    [KinesisHandler(\"s\")] " + member + "\n}"),
        Diagnostic(ById(id)).WithLocation(0).WithArguments(name, reason));

    [Theory]
    [InlineData("KA1004", "public Task M(Order order) => Task.CompletedTask; public Task N<T>(T value) => Task.CompletedTask;")]
    [InlineData("KA1005", "public virtual Task M(Order order) => Task.CompletedTask;")]
    [InlineData("KA1006", "internal Task M(Order order) => Task.CompletedTask;")]
    [InlineData("KA1006", "protected internal Task M(Order order) => Task.CompletedTask;")]
    [InlineData("KA1007", "public Task M(IReadOnlyList<KinesisRecord<Order>> orders, BatchContext batch, IStore? store = null) => Task.CompletedTask;")]
    [InlineData("KA1007", "public Task M(ReadOnlyMemory<byte> bytes, RecordContext record) => Task.CompletedTask;")]
    [InlineData("KA1009", "public Task M(Order order, IStore store, IEnumerable<IStore> all, int retries) => Task.CompletedTask;")]
    [InlineData("KA1009", "public Task M(RecordContext record, Order order) => Task.CompletedTask;")]
    [InlineData("KA1010", "public async Task M(Order order) => await Task.Yield();")]
    [InlineData("KA1010", "public void M(Order order) { }")]
    [InlineData("KA1010", "public async ValueTask M(Order order) => await Task.Yield();")]
    public Task NearMiss_IsNotReported(string id, string member)
    {
        _ = id; // Names the rule the row comes close to, for the test's display name.
        return VerifyAsync(File("#nullable enable\npublic interface IStore { }\n\npublic class Handlers\n{\n    [KinesisHandler(\"s\")] " + member + "\n}"));
    }

    [Theory]
    // KA1011 out of range, on the argument.
    [InlineData("KA1011", "{|#0:MaxRecords = 0|}", "MaxRecords is 0; it must be 1 to 10000")]
    [InlineData("KA1011", "{|#0:MaxRecords = 10001|}", "MaxRecords is 10001; it must be 1 to 10000")]
    [InlineData("KA1011", "{|#0:IdleTimeBetweenReadsMilliseconds = -5|}", "IdleTimeBetweenReadsMilliseconds is -5; it cannot be negative")]
    [InlineData("KA1011", "CheckpointMode = CheckpointMode.Periodic, {|#0:CheckpointEveryRecords = -1|}", "CheckpointEveryRecords and CheckpointIntervalSeconds cannot be negative")]
    [InlineData("KA1011", "CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 5, {|#0:CheckpointIntervalSeconds = -1|}", "CheckpointEveryRecords and CheckpointIntervalSeconds cannot be negative")]
    [InlineData("KA1011", "{|#0:MaxRetryAttempts = -2|}", "MaxRetryAttempts is -2; it must be -1 (no limit) or more")]
    [InlineData("KA1011", "BisectBatchOnError = true, {|#0:MaxRetryAttempts = int.MinValue|}", "MaxRetryAttempts is -2147483648; it must be -1 (no limit) or more")]
    [InlineData("KA1011", "MaxRetryAttempts = 3, {|#0:MaxRecordAgeSeconds = -1|}", "MaxRecordAgeSeconds is -1; it cannot be negative (0: no limit)")]
    [InlineData("KA1011", "{|#0:RetryDelayMilliseconds = -1|}", "RetryDelayMilliseconds is -1; it cannot be negative")]
    [InlineData("KA1011", "RetryDelayMilliseconds = 0, {|#0:MaxRetryDelayMilliseconds = -100|}", "MaxRetryDelayMilliseconds is -100; it cannot be negative")]
    // KA1012 undefined enum values.
    [InlineData("KA1012", "{|#0:CheckpointMode = (CheckpointMode)7|}", "the attribute sets CheckpointMode to a value that is not defined")]
    [InlineData("KA1012", "{|#0:InitialPosition = (InitialPosition)9|}", "the attribute sets InitialPosition to a value that is not defined")]
    [InlineData("KA1012", "{|#0:PayloadFormat = (PayloadFormat)(-1)|}", "the attribute sets PayloadFormat to a value that is not defined")]
    [InlineData("KA1012", "{|#0:DeserializationFailurePolicy = (DeserializationFailurePolicy)5|}", "the attribute sets DeserializationFailurePolicy to a value that is not defined")]
    // KA1013 timestamps.
    [InlineData("KA1013", "{|#0:InitialPosition = InitialPosition.AtTimestamp|}",
        "InitialPosition is AtTimestamp but no InitialTimestamp is set; set it to an ISO 8601 time such as \"2025-01-31T00:00:00Z\"")]
    [InlineData("KA1013", "InitialPosition = InitialPosition.AtTimestamp, {|#0:InitialTimestamp = \"soon\"|}",
        "InitialTimestamp \"soon\" is not an ISO 8601 time such as \"2025-01-31T00:00:00Z\"")]
    [InlineData("KA1013", "{|#0:InitialTimestamp = \"2025-01-31T00:00:00Z\"|}", "InitialTimestamp is set but InitialPosition is not AtTimestamp")]
    // KA1014 periodic checkpoints.
    [InlineData("KA1014", "{|#0:CheckpointMode = CheckpointMode.Periodic|}", "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero")]
    [InlineData("KA1014", "{|#0:CheckpointMode = CheckpointMode.Periodic|}, CheckpointEveryRecords = 0, CheckpointIntervalSeconds = 0",
        "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero")]
    [InlineData("KA1014", "{|#0:CheckpointIntervalSeconds = 5|}", "CheckpointEveryRecords and CheckpointIntervalSeconds only apply to CheckpointMode.Periodic")]
    [InlineData("KA1014", "CheckpointMode = CheckpointMode.Manual, {|#0:CheckpointEveryRecords = 5|}", "CheckpointEveryRecords and CheckpointIntervalSeconds only apply to CheckpointMode.Periodic")]
    // KA1015 deserializers.
    [InlineData("KA1015", "{|#0:Deserializer = typeof(Order)|}", "Deserializer 'Sample.Order' does not implement IRecordDeserializer<Sample.Order>")]
    [InlineData("KA1015", "{|#0:Deserializer = typeof(TextDeserializer)|}", "Deserializer 'Sample.TextDeserializer' does not implement IRecordDeserializer<Sample.Order>")]
    [InlineData("KA1015", "{|#0:Deserializer = typeof(AbstractDeserializer)|}", "Deserializer 'Sample.AbstractDeserializer' is not a concrete, accessible class")]
    // KA1016 payload formats.
    [InlineData("KA1016", "{|#0:PayloadFormat = PayloadFormat.Text|}", "PayloadFormat.Text needs a string payload")]
    [InlineData("KA1016", "{|#0:PayloadFormat = PayloadFormat.Bytes|}", "PayloadFormat.Bytes needs a byte[] or ReadOnlyMemory<byte> payload")]
    [InlineData("KA1016", "{|#0:PayloadFormat = PayloadFormat.Record|}", "PayloadFormat.Record needs a KinesisClientRecord payload")]
    [InlineData("KA1016", "Deserializer = typeof(OrderDeserializer), {|#0:PayloadFormat = PayloadFormat.Json|}", "the attribute sets both Deserializer and PayloadFormat; a deserializer is the payload format")]
    // KA3004 a JSON context that is not one.
    [InlineData("KA3004", "{|#0:JsonSerializerContext = typeof(Order)|}",
        "JsonSerializerContext 'Sample.Order' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext")]
    public Task AttributeValue_BreakingARule_IsReportedOnTheArgument(string id, string arguments, string reason) => VerifyAsync(
        File(Deserializers + "\npublic sealed class Handlers { [KinesisHandler(\"s\", " + arguments + ")] public void M(Order order) { } }"),
        Diagnostic(ById(id)).WithLocation(0).WithArguments("Sample.Handlers.M", reason));

    [Theory]
    [InlineData("MaxRecords = 1")]
    [InlineData("MaxRecords = 10000, IdleTimeBetweenReadsMilliseconds = 0")]
    [InlineData("CheckpointMode = CheckpointMode.Periodic, CheckpointIntervalSeconds = 1")]
    [InlineData("CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 1, CheckpointIntervalSeconds = 0")]
    [InlineData("CheckpointMode = CheckpointMode.Manual")]
    [InlineData("InitialPosition = InitialPosition.AtTimestamp, InitialTimestamp = \"2025-01-31T00:00:00+01:00\"")]
    [InlineData("InitialPosition = InitialPosition.Latest")]
    [InlineData("Deserializer = typeof(OrderDeserializer)")]
    [InlineData("PayloadFormat = PayloadFormat.Json")]
    [InlineData("PayloadFormat = PayloadFormat.Auto, DeserializationFailurePolicy = DeserializationFailurePolicy.SkipAndLog")]
    [InlineData("JsonSerializerContext = typeof(OrderJsonContext)")]
    [InlineData("MaxRetryAttempts = -1, MaxRecordAgeSeconds = 0, RetryDelayMilliseconds = 0, MaxRetryDelayMilliseconds = 0")]
    [InlineData("MaxRetryAttempts = 0, BisectBatchOnError = true, MaxRecordAgeSeconds = int.MaxValue, FailureDestination = \"dlq\"")]
    // A maximum delay below the first delay and an empty destination key are not rejected at run time either.
    [InlineData("RetryDelayMilliseconds = 5000, MaxRetryDelayMilliseconds = 10, FailureDestination = \"\"")]
    public Task ValidAttributeValues_AreNotReported(string arguments) => VerifyAsync(
        File(Deserializers + "\n" + OrderJsonContext + "\npublic sealed class Handlers { [KinesisHandler(\"s\", " + arguments + ")] public void M(Order order) { } }"));

    [Theory]
    [InlineData("public sealed class Handlers<T> { [KinesisHandler(\"s\")] public Task {|#0:M|}" + Args + Body + " }",
        "KA1004", "Sample.Handlers<T>.M", "its class 'Sample.Handlers<T>' is generic; declare handlers in a non-generic class")]
    [InlineData("public sealed class Outer<T> { public sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}" + Args + Body + " } }",
        "KA1004", "Sample.Outer<T>.Handlers.M", "its containing type 'Sample.Outer<T>' is generic; declare handlers in a non-generic class")]
    [InlineData("public interface IHandlers { [KinesisHandler(\"s\")] Task {|#0:M|}" + Args + "; }",
        "KA1005", "Sample.IHandlers.M", "it is abstract; a handler needs a body the generated processor can call")]
    [InlineData("public abstract class Handlers { [KinesisHandler(\"s\")] public abstract Task {|#0:M|}" + Args + "; }",
        "KA1005", "Sample.Handlers.M", "it is abstract; a handler needs a body the generated processor can call")]
    [InlineData("public abstract class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}" + Args + Body + " }",
        "KA1005", "Sample.Handlers.M", "it is an instance method of abstract class 'Sample.Handlers', which dependency injection cannot create; make the class concrete or the method static")]
    [InlineData("public static class Outer { private sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}" + Args + Body + " } }",
        "KA1006", "Sample.Outer.Handlers.M", "its class 'Sample.Outer.Handlers' is private, so the generated code cannot reach it; make it internal or public")]
    [InlineData("public class Outer { protected sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}" + Args + Body + " } }",
        "KA1006", "Sample.Outer.Handlers.M", "its class 'Sample.Outer.Handlers' is protected, so the generated code cannot reach it; make it internal or public")]
    [InlineData("public class Outer { private sealed class Middle { public sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}" + Args + Body + " } } }",
        "KA1006", "Sample.Outer.Middle.Handlers.M", "its containing type 'Sample.Outer.Middle' is private, so the generated code cannot reach it; make it internal or public")]
    [InlineData("file sealed class Handlers { [KinesisHandler(\"s\")] public Task {|#0:M|}" + Args + Body + " }",
        "KA1006", "Sample.Handlers.M", "its class 'Sample.Handlers' is file-local, so the generated code (in another file) cannot reach it; make it internal or public")]
    public Task HandlerType_BreakingARule_IsReportedWithItsId(string declaration, string id, string name, string reason) => VerifyAsync(
        File(declaration),
        Diagnostic(ById(id)).WithLocation(0).WithArguments(name, reason));

    [Fact]
    public Task OnlyTheFirstReason_IsReported_OnePerHandler() => VerifyAsync(
        InHandlers("""[KinesisHandler("s")] private void {|#0:M|}<T>(ref T a, T b) { }"""),
        Diagnostic(Descriptors.GenericHandler).WithLocation(0).WithArguments(
            "Sample.Handlers.M<T>", "it is generic; a handler cannot have type parameters (give the payload a concrete type)"));

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
        Diagnostic(Descriptors.InaccessibleHandler).WithLocation(0).WithArguments(
            "Sample.Handlers.N", "it is private, so the generated code cannot call it; make it internal or public"));

    [Fact]
    public Task AssemblyDefaults_AreMergedLikeTheGeneratorDoes_AndQualifiersOnlyFollowTheirChoice() => VerifyAsync(
        [
            File("""
                public sealed class Handlers
                {
                    [KinesisHandler("s", ApplicationName = "inherits")] public void A(Order order) { }
                    [KinesisHandler("s", ApplicationName = "manual", CheckpointMode = CheckpointMode.Manual, InitialPosition = InitialPosition.Latest)] public void B(Order order) { }
                    [KinesisHandler("s", ApplicationName = "text", {|#0:PayloadFormat = PayloadFormat.Text|})] public void C(Order order) { }
                }
                """),
            """
            [assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(
                CheckpointMode = KinesisAttrib.Handlers.CheckpointMode.Periodic, CheckpointEveryRecords = 100,
                InitialPosition = KinesisAttrib.Handlers.InitialPosition.AtTimestamp, InitialTimestamp = "2025-01-31T00:00:00Z")]
            """,
        ],
        Diagnostic(Descriptors.PayloadFormatMismatch).WithLocation(0).WithArguments("Sample.Handlers.C", "PayloadFormat.Text needs a string payload"));

    [Fact]
    public Task AValueInheritedFromTheAssemblyDefaults_IsReportedOnTheMethod() => VerifyAsync(
        [
            File("""
                public sealed class Handlers
                {
                    [KinesisHandler("s")] public void {|#0:A|}(Order order) { }
                    [KinesisHandler("s", ApplicationName = "manual", CheckpointMode = CheckpointMode.Manual)] public void B(Order order) { }
                }
                """),
            "[assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(CheckpointMode = KinesisAttrib.Handlers.CheckpointMode.Periodic)]",
        ],
        Diagnostic(Descriptors.InvalidPeriodicCheckpoint).WithLocation(0).WithArguments(
            "Sample.Handlers.A", "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero"));

    [Fact]
    public Task AFailurePolicyValueInheritedFromTheAssemblyDefaults_IsReportedOnTheMethod_AndAnOverrideFixesIt() => VerifyAsync(
        [
            File("""
                public sealed class Handlers
                {
                    [KinesisHandler("s")] public void {|#0:A|}(Order order) { }
                    [KinesisHandler("s", ApplicationName = "own", MaxRecordAgeSeconds = 60)] public void B(Order order) { }
                    [KinesisHandler("s", ApplicationName = "worse", {|#1:MaxRetryAttempts = -3|})] public void C(Order order) { }
                }
                """),
            "[assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(MaxRecordAgeSeconds = -60)]",
        ],
        Diagnostic(Descriptors.AttributeValueOutOfRange).WithLocation(0).WithArguments("Sample.Handlers.A", "MaxRecordAgeSeconds is -60; it cannot be negative (0: no limit)"),
        Diagnostic(Descriptors.AttributeValueOutOfRange).WithLocation(1).WithArguments("Sample.Handlers.C", "MaxRetryAttempts is -3; it must be -1 (no limit) or more"));

    [Fact]
    public Task UnusableAssemblyDefaults_AreReportedOnEveryHandler_WithTheirOwnId() => VerifyAsync(
        [
            File("""public sealed class Handlers { [KinesisHandler("s")] public void {|#0:A|}(Order order) { } }"""),
            "[assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(JsonSerializerContext = typeof(Sample.Order))]",
        ],
        Diagnostic(Descriptors.InvalidJsonSerializerContext).WithLocation(0).WithArguments(
            "Sample.Handlers.A",
            "[assembly: KinesisHandlerDefaults] is unusable: JsonSerializerContext 'Sample.Order' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext"));

    [Fact]
    public Task DuplicateContextParameter_IsAWarningOnTheSecond() => VerifyAsync(
        InHandlers("""
            [KinesisHandler("s")] public Task M(Order order, CancellationToken first, RecordContext record, CancellationToken {|#0:second|}) => Task.CompletedTask;
            [KinesisHandler("s", ApplicationName = "b")] public Task B(IReadOnlyList<Order> orders, BatchContext batch, IRecordProcessorCheckpointer c1, BatchContext {|#1:again|}, IRecordProcessorCheckpointer {|#2:c2|}) => Task.CompletedTask;
            """),
        Diagnostic(Descriptors.DuplicateParameter).WithLocation(0).WithArguments("Sample.Handlers.M", "System.Threading.CancellationToken", "first", "second"),
        Diagnostic(Descriptors.DuplicateParameter).WithLocation(1).WithArguments("Sample.Handlers.B", "KinesisAttrib.Handlers.BatchContext", "batch", "again"),
        Diagnostic(Descriptors.DuplicateParameter).WithLocation(2).WithArguments("Sample.Handlers.B", "KinesisAttrib.Handlers.IRecordProcessorCheckpointer", "c1", "c2"));

    [Fact]
    public Task DistinctContextParametersAndRepeatedServices_AreNotReported() => VerifyAsync(
        File("""
            public interface IStore { }

            public sealed class Handlers
            {
                [KinesisHandler("s")] public Task M(Order order, RecordContext record, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken ct, IServiceProvider services, IStore a, IStore b) => Task.CompletedTask;
                [KinesisHandler("s", ApplicationName = "x")] public Task N(string text, IStore store) => Task.CompletedTask;
            }
            """));

    private const string Deserializers = """
        public sealed class OrderDeserializer : IRecordDeserializer<Order> { public Order Deserialize(KinesisClientRecord record) => new(record.PartitionKey); }
        public sealed class TextDeserializer : IRecordDeserializer<string> { public string Deserialize(KinesisClientRecord record) => record.PartitionKey; }
        public abstract class AbstractDeserializer : IRecordDeserializer<Order> { public abstract Order Deserialize(KinesisClientRecord record); }
        """;

    private static DiagnosticDescriptor ById(string id) =>
        typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .Single(d => d.Id == id);
}
