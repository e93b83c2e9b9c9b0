using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.KinesisHandlerAnalyzer>;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>KA3001–KA3003: JSON payloads the generated processor could not decode, or not without reflection under AOT.</summary>
public sealed class PayloadDiagnosticsTests
{
    private const string Types = """
        public interface IEvent { string Id { get; } }
        public abstract class EventBase { public string Id { get; set; } }
        public sealed class PrivateOnly { private PrivateOnly() { } public string Id { get; set; } }
        public sealed class TwoConstructors { public TwoConstructors(string id) { Id = id; } public TwoConstructors(int n) { Id = n.ToString(); } public string Id { get; } }
        public sealed class Mismatch { public Mismatch(string name) { Id = name; } public string Id { get; } }
        public sealed class Plain { public string Id { get; set; } }
        public sealed class Matched { public Matched(string ID, int count) { Id = ID; Count = count; } public string Id { get; } public int Count; }
        public sealed class Marked { [System.Text.Json.Serialization.JsonConstructor] internal Marked(string other) { } public Marked(int a) { } public Marked(long b) { } }
        [System.Text.Json.Serialization.JsonDerivedType(typeof(Placed), "placed")] public interface IPolymorphic { }
        public sealed class Placed : IPolymorphic { }
        [System.Text.Json.Serialization.JsonConverter(typeof(AbstractConverter))] public abstract class Converted { }
        public sealed class DerivedFromConverted : Converted { private DerivedFromConverted(int x) { } }
        public sealed class AbstractConverter : System.Text.Json.Serialization.JsonConverter<Converted>
        {
            public override Converted Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => null;
            public override void Write(System.Text.Json.Utf8JsonWriter writer, Converted value, System.Text.Json.JsonSerializerOptions options) { }
        }
        public struct Point { public Point(int x) { X = x; } public int X { get; } }
        public sealed class EventReader : IRecordDeserializer<IEvent> { public IEvent Deserialize(KinesisClientRecord record) => null; }
        """;

    [Theory]
    [InlineData("IEvent {|#0:e|}", "Sample.IEvent",
        "it is an interface, which System.Text.Json cannot create; take a concrete type, or say how with [JsonConverter] or [JsonDerivedType] on it")]
    [InlineData("IReadOnlyList<IEvent> {|#0:events|}", "Sample.IEvent",
        "it is an interface, which System.Text.Json cannot create; take a concrete type, or say how with [JsonConverter] or [JsonDerivedType] on it")]
    [InlineData("IReadOnlyList<KinesisRecord<EventBase>> {|#0:events|}", "Sample.EventBase",
        "it is an abstract class, which System.Text.Json cannot create; take a concrete type, or say how with [JsonConverter] or [JsonDerivedType] on it")]
    [InlineData("PrivateOnly {|#0:p|}", "Sample.PrivateOnly",
        "it has no public constructor; add a public parameterless constructor, or mark one constructor [JsonConstructor]")]
    [InlineData("TwoConstructors {|#0:p|}", "Sample.TwoConstructors",
        "it has several public constructors with parameters and none is parameterless or marked [JsonConstructor]; mark the one to use [JsonConstructor]")]
    [InlineData("RecordContext record, Mismatch {|#0:p|}", "Sample.Mismatch",
        "parameter 'name' of its constructor matches no property or field, and System.Text.Json binds constructor parameters to properties by name; rename it, or add a public parameterless constructor")]
    public Task UndeserializablePayload_IsAWarningOnThePayloadParameter(string parameters, string type, string reason) => VerifyAsync(
        File(Types + "\npublic sealed class Handlers { [KinesisHandler(\"s\")] public void M(" + parameters + ") { } }"),
        Diagnostic(Descriptors.PayloadNotDeserializable).WithLocation(0).WithArguments(type, "Sample.Handlers.M", reason));

    [Theory]
    [InlineData("Order order")]
    [InlineData("Plain p")]
    [InlineData("Matched m")]
    [InlineData("Marked m")]
    [InlineData("IPolymorphic p")]
    [InlineData("Converted c")]
    [InlineData("DerivedFromConverted c")]
    [InlineData("Point p")]
    [InlineData("int? n")]
    [InlineData("IReadOnlyList<Dictionary<string, object>> rows")]
    [InlineData("List<IEvent> events")]
    [InlineData("string text")]
    public Task DeserializablePayload_IsNotReported(string parameters) => VerifyAsync(
        File(Types + "\npublic sealed class Handlers { [KinesisHandler(\"s\")] public void M(" + parameters + ") { } }"));

    [Fact]
    public Task PayloadWithACustomDeserializer_IsNotCheckedAsJson() => VerifyAsync(
        File(Types + "\npublic sealed class Handlers { [KinesisHandler(\"s\", Deserializer = typeof(EventReader))] public void M(IEvent e) { } }"));

    [Fact]
    public Task ContextWithoutThePayload_IsAnErrorOnTheArgument() => VerifyAsync(
        File(Context("OtherContext", "Plain") + """

            public sealed class Handlers
            {
                [KinesisHandler("s", {|#0:JsonSerializerContext = typeof(OtherContext)|})] public void M(Order order) { }
                [KinesisHandler("s", ApplicationName = "batch", {|#1:JsonSerializerContext = typeof(OtherContext)|})] public void B(IReadOnlyList<KinesisRecord<Order>> orders) { }
            }

            public sealed class Plain { public string Id { get; set; } }
            """),
        Diagnostic(Descriptors.JsonContextLacksPayload).WithLocation(0).WithArguments("Sample.OtherContext", "Sample.Order", "Sample.Handlers.M"),
        Diagnostic(Descriptors.JsonContextLacksPayload).WithLocation(1).WithArguments("Sample.OtherContext", "Sample.Order", "Sample.Handlers.B"));

    [Fact]
    public Task ContextFromTheAssemblyDefaults_IsReportedOnTheMethod() => VerifyAsync(
        [
            File(Context("OtherContext", "Plain") + """

                public sealed class Handlers { [KinesisHandler("s")] public void {|#0:M|}(Order order) { } [KinesisHandler("s", ApplicationName = "p")] public void P(Plain plain) { } }

                public sealed class Plain { public string Id { get; set; } }
                """),
            "[assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(JsonSerializerContext = typeof(Sample.OtherContext))]",
        ],
        Diagnostic(Descriptors.JsonContextLacksPayload).WithLocation(0).WithArguments("Sample.OtherContext", "Sample.Order", "Sample.Handlers.M"));

    [Theory]
    [InlineData("Order", "Order order")]
    [InlineData("Order", "Order? order")]
    [InlineData("Order", "IReadOnlyList<Order> orders")]
    [InlineData("Envelope", "Order order")]
    [InlineData("List<Envelope>", "Order order")]
    [InlineData("Envelope", "Line line")]
    [InlineData("Envelope", "int n")]
    public Task ContextThatKnowsThePayload_DirectlyOrThroughAnotherType_IsNotReported(string root, string parameter) => VerifyAsync(
        File("#nullable enable\n" + Context("AppContext", root) + $$"""

            public sealed class Handlers { [KinesisHandler("s", JsonSerializerContext = typeof(AppContext))] public void M({{parameter}}) { } }

            public sealed class Envelope { public IReadOnlyList<Order> Orders { get; set; } = []; public Dictionary<string, Line[]> Lines { get; set; } = []; public int Count { get; set; } }
            public sealed class Line { public string Sku { get; set; } = ""; }
            """));

    [Fact]
    public Task ContextWithAGeneratedTypeInfoProperty_IsNotReported() => VerifyAsync(
        File("""
            public sealed class GeneratedContext : System.Text.Json.Serialization.JsonSerializerContext
            {
                public GeneratedContext() : base(null) { }
                public System.Text.Json.Serialization.Metadata.JsonTypeInfo<Order> Order => null;
                protected override System.Text.Json.JsonSerializerOptions GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo GetTypeInfo(Type type) => null;
            }

            public sealed class Handlers { [KinesisHandler("s", JsonSerializerContext = typeof(GeneratedContext))] public void M(Order order) { } }
            """));

    [Fact]
    public Task ContextOnAHandlerThatIsNotJson_IsNotChecked() => VerifyAsync(
        File(Context("OtherContext", "int") + """

            public sealed class Handlers { [KinesisHandler("s", JsonSerializerContext = typeof(OtherContext))] public void M(string text) { } }
            """));

    [Theory]
    [InlineData("PublishAot=true", "PublishAot=true")]
    [InlineData("IsAotCompatible=True", "IsAotCompatible=true")]
    [InlineData("PublishAot=false\0IsAotCompatible=true", "IsAotCompatible=true")]
    public Task ReflectionJson_InAnAotProject_IsAWarningOnTheMethod(string properties, string shown) => VerifyWithBuildPropertiesAsync(
        [File("public sealed class Handlers { [KinesisHandler(\"s\")] public void {|#0:M|}(Order order) { } }")],
        properties.Split('\0'),
        Diagnostic(Descriptors.ReflectionJsonInAotProject).WithLocation(0).WithArguments("Sample.Handlers.M", "Sample.Order", shown));

    [Theory]
    [InlineData("PublishAot=false", "[KinesisHandler(\"s\")] public void M(Order order) { }")]
    [InlineData("PublishAot=true", "[KinesisHandler(\"s\", JsonSerializerContext = typeof(OrderJsonContext))] public void M(Order order) { }")]
    [InlineData("PublishAot=true", "[KinesisHandler(\"s\")] public void M(string text) { }")]
    [InlineData("PublishAot=true", "[KinesisHandler(\"s\")] public void M(ReadOnlyMemory<byte> bytes) { }")]
    [InlineData("IsAotCompatible=true", "[KinesisHandler(\"s\", Deserializer = typeof(OrderReader))] public void M(Order order) { }")]
    public Task AotProjectWithoutReflectionJson_IsNotReported(string property, string handler) => VerifyWithBuildPropertiesAsync(
        [File(OrderJsonContext + "\npublic sealed class OrderReader : IRecordDeserializer<Order> { public Order Deserialize(KinesisClientRecord record) => null; }\npublic sealed class Handlers { " + handler + " }")],
        [property]);

    [Fact]
    public Task ReflectionJson_WithoutTheBuildProperties_IsNotReported() => VerifyAsync(
        File("public sealed class Handlers { [KinesisHandler(\"s\")] public void M(Order order) { } }"));

    /// <summary>A stand-in for a source-generated context listing <paramref name="root"/> (the STJ generator does not run here).</summary>
    internal static string Context(string name, string root) => $$"""
        [System.Text.Json.Serialization.JsonSerializable(typeof({{root}}))]
        public sealed class {{name}} : System.Text.Json.Serialization.JsonSerializerContext
        {
            public {{name}}() : base(null!) { }
            protected override System.Text.Json.JsonSerializerOptions GeneratedSerializerOptions => null!;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo GetTypeInfo(Type type) => null!;
        }
        """;
}
