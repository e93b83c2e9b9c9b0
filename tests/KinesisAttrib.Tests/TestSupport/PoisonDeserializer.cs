using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>Fails to decode one payload, every time.</summary>
internal sealed class PoisonDeserializer(string poison) : IRecordDeserializer<string>
{
    public string Deserialize(KinesisClientRecord record)
    {
        var text = RecordDeserializers.Utf8String.Deserialize(record);
        return text == poison ? throw new FormatException($"'{text}' is not a valid payload") : text;
    }
}
