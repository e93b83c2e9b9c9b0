namespace KinesisAttrib.Handlers;

/// <summary>Turns a record's bytes into the payload a handler takes.</summary>
/// <typeparam name="T">The payload type.</typeparam>
public interface IRecordDeserializer<out T>
{
    /// <summary>Decodes one record. Throws when the bytes are not a valid <typeparamref name="T"/>.</summary>
    T Deserialize(KinesisClientRecord record);
}
