using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Tests.Processing;

/// <summary>
/// JSON name matching and the unmatched-object check, on real System.Text.Json source-generated contexts: an ordinary
/// one (no options, so case-sensitive by itself) and a web one.
/// </summary>
public sealed partial class JsonRecordDeserializerTests
{
    [Theory]
    [InlineData("""{"id":"o-1","amount":2.5}""")]
    [InlineData("""{"Id":"o-1","Amount":2.5}""")]
    [InlineData("""{"ID":"o-1","AMOUNT":2.5}""")]
    public void OrdinaryContext_MatchesNamesIgnoringCase_ForClassesAndPositionalRecords(string json)
    {
        var order = JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default).Deserialize(Record(json));
        var record = JsonRecordDeserializer.FromContext<OrderRecord>(OrdinaryJsonContext.Default).Deserialize(Record(json));

        Assert.Equal(("o-1", 2.5m), (order.Id, order.Amount));
        Assert.Equal(new OrderRecord("o-1", 2.5m), record);
    }

    [Fact]
    public void OrdinaryContext_KeepsItsOwnOptionsForItsOwnCallers()
    {
        // The case-insensitive copy is ours: the user's context, used elsewhere in the app, is left as declared.
        _ = JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default);

        Assert.False(OrdinaryJsonContext.Default.Options.PropertyNameCaseInsensitive);
        Assert.Null(JsonSerializer.Deserialize("""{"id":"o-1"}""", OrdinaryJsonContext.Default.OrderClass)!.Id);
    }

    [Fact]
    public void StrictOptIn_MatchesNamesExactly_WithAnOrdinaryContext()
    {
        var deserializer = JsonRecordDeserializer.FromContext<OrderRecord>(OrdinaryJsonContext.Default, allowNull: false, caseSensitive: true);

        Assert.Equal(new OrderRecord("o-1", 1m), deserializer.Deserialize(Record("""{"Id":"o-1","Amount":1}""")));
        var error = Assert.Throws<JsonException>(() => deserializer.Deserialize(Record("""{"id":"o-1","amount":1}""")));
        Assert.Contains("case-sensitively", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictOptIn_WinsOverAWebContextsCaseInsensitivity()
    {
        var strict = JsonRecordDeserializer.FromContext<OrderClass>(WebJsonContext.Default, allowNull: false, caseSensitive: true);
        var lenient = JsonRecordDeserializer.FromContext<OrderClass>(WebJsonContext.Default);

        Assert.Equal("o-1", strict.Deserialize(Record("""{"id":"o-1"}""")).Id);
        Assert.Throws<JsonException>(() => strict.Deserialize(Record("""{"Id":"o-1"}""")));
        Assert.Equal("o-1", lenient.Deserialize(Record("""{"ID":"o-1"}""")).Id);
    }

    [Fact]
    public void ReflectionBased_UsesWebNamesAndHonoursTheStrictOptIn()
    {
        var lenient = JsonRecordDeserializer.CreateReflectionBased<OrderClass>();
        var strict = JsonRecordDeserializer.CreateReflectionBased<OrderClass>(allowNull: false, caseSensitive: true);

        Assert.Equal("o-1", lenient.Deserialize(Record("""{"Id":"o-1"}""")).Id);
        Assert.Equal("o-1", strict.Deserialize(Record("""{"id":"o-1"}""")).Id);
        Assert.Throws<JsonException>(() => strict.Deserialize(Record("""{"Id":"o-1"}""")));
    }

    [Fact]
    public void AnObjectWithNoKnownProperty_FailsNamingItsProperties_TheTypeAndWhatToCheck()
    {
        var deserializer = JsonRecordDeserializer.FromContext<OrderRecord>(OrdinaryJsonContext.Default);

        var error = Assert.Throws<JsonException>(() => deserializer.Deserialize(Record("""{"order_id":"o-1","total":{"value":3},"items":[1,2]}""", "42")));

        Assert.Contains("Record 42", error.Message, StringComparison.Ordinal);
        Assert.Contains("(\"order_id\", \"total\", \"items\")", error.Message, StringComparison.Ordinal);
        Assert.Contains("OrderRecord (\"Amount\", \"Id\"; names compared ignoring case)", error.Message, StringComparison.Ordinal);
        Assert.Contains("[JsonPropertyName]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnObjectWithManyUnknownProperties_ListsAFewAndCountsTheRest()
    {
        var json = "{" + string.Join(",", Enumerable.Range(1, 8).Select(i => $"\"p{i}\":{i}")) + "}";

        var error = Assert.Throws<JsonException>(() => JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default).Deserialize(Record(json)));

        Assert.Contains("\"p5\" and 3 more", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\"p6\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"unknown":1,"id":"o-1"}""", "o-1")]
    [InlineData("""{"\u0069d":"o-1"}""", "o-1")]
    [InlineData("""{"\u0049D":"o-1"}""", "o-1")]
    [InlineData("""{}""", null)]
    public void AnObjectWithOneKnownPropertyOrNoneAtAll_Decodes(string json, string? id)
    {
        // {} says "no fields" on purpose; it is not a naming mismatch, so it decodes as an empty payload.
        var order = JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default).Deserialize(Record(json));

        Assert.Equal((id, 0m), (order.Id, order.Amount));
    }

    [Fact]
    public void NonAsciiNames_AreComparedAsText()
    {
        // A non-ASCII property name turns the byte comparison off; a non-ASCII JSON name falls back to text under ignore-case.
        Assert.Equal("xl", JsonRecordDeserializer.FromContext<Sized>(OrdinaryJsonContext.Default).Deserialize(Record("""{"GRÖßE":"xl"}""")).Größe);
        Assert.Throws<JsonException>(() => JsonRecordDeserializer.FromContext<Sized>(OrdinaryJsonContext.Default).Deserialize(Record("""{"size":"xl"}""")));
        Assert.Throws<JsonException>(() => JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default).Deserialize(Record("""{"ïd":"o-1"}""")));
    }

    [Fact]
    public void ALongUnknownName_IsComparedToo()
    {
        var longName = new string('x', 300);

        Assert.Equal("o-1", JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default).Deserialize(Record($$"""{"{{longName}}":1,"id":"o-1"}""")).Id);
        var error = Assert.Throws<JsonException>(() => JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default).Deserialize(Record($$"""{"{{longName}}":1}""")));
        Assert.Contains(longName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypesThatKeepUnknownPropertiesOrAreNotObjects_AreNotChecked()
    {
        var extras = JsonRecordDeserializer.FromContext<WithExtras>(OrdinaryJsonContext.Default).Deserialize(Record("""{"other":1}"""));
        var numbers = JsonRecordDeserializer.FromContext<int[]>(OrdinaryJsonContext.Default).Deserialize(Record("[1,2]"));

        Assert.Equal(["other"], extras.Extra!.Keys);
        Assert.Equal([1, 2], numbers);
    }

    [Fact]
    public void NullablePayloads_TakeJsonNullButStillFailOnAnUnmatchedObject()
    {
        var deserializer = JsonRecordDeserializer.FromContext<OrderClass>(OrdinaryJsonContext.Default, allowNull: true);

        Assert.Null(deserializer.Deserialize(Record("null")));
        Assert.Equal("o-1", deserializer.Deserialize(Record("""{"id":"o-1"}""")).Id);
        Assert.Throws<JsonException>(() => deserializer.Deserialize(Record("""{"name":"o-1"}""")));
    }

    [Fact]
    public void AContextWithoutThePayloadType_SaysWhichAttributeToAdd()
    {
        var error = Assert.Throws<InvalidOperationException>(() => JsonRecordDeserializer.FromContext<Unlisted>(OrdinaryJsonContext.Default));

        Assert.Contains("[JsonSerializable(typeof(Unlisted))]", error.Message, StringComparison.Ordinal);
    }

    private static KinesisClientRecord Record(string json, string sequenceNumber = "1") =>
        new(sequenceNumber, 0, "pk", Encoding.UTF8.GetBytes(json), DateTimeOffset.UnixEpoch);

    public sealed class OrderClass
    {
        public string? Id { get; set; }

        public decimal Amount { get; set; }
    }

    public sealed record OrderRecord(string Id, decimal Amount);

    public sealed class WithExtras
    {
        public string? Id { get; set; }

        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Extra { get; set; }
    }

    public sealed class Sized
    {
        public string? Größe { get; set; }
    }

    public sealed class Unlisted
    {
        public string? Id { get; set; }
    }

    /// <summary>Declared the ordinary way: no options, so System.Text.Json alone would match names case-sensitively.</summary>
    [JsonSerializable(typeof(OrderClass))]
    [JsonSerializable(typeof(OrderRecord))]
    [JsonSerializable(typeof(WithExtras))]
    [JsonSerializable(typeof(Sized))]
    [JsonSerializable(typeof(int[]))]
    internal sealed partial class OrdinaryJsonContext : JsonSerializerContext;

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(OrderClass))]
    internal sealed partial class WebJsonContext : JsonSerializerContext;
}
