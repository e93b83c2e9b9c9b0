// Types the known-bad files share; compiled with each of them. Nothing here is reported.
using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KinesisAttrib.Handlers;

namespace KnownBad;

public sealed record Order(string Id);

public interface IOrderEvent { string Id { get; } }

public sealed class Refund { public string Id { get; set; } = ""; }

public interface IStore { }

public sealed class NotAContext { }

public sealed class TextReader : IRecordDeserializer<string>
{
    public string Deserialize(KinesisClientRecord record) => record.PartitionKey;
}

// Stands in for a source-generated context (the System.Text.Json generator does not run in the test).
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(IOrderEvent))]
public sealed class KnownBadJsonContext : JsonSerializerContext
{
    public KnownBadJsonContext() : base(null) { }

    protected override JsonSerializerOptions? GeneratedSerializerOptions => null;

    public override JsonTypeInfo? GetTypeInfo(Type type) => null;
}
