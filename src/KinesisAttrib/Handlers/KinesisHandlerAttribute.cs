namespace KinesisAttrib.Handlers;

/// <summary>
/// Marks a method as the handler of a Kinesis stream. At compile time the KinesisAttrib generator turns it into a
/// shard record processor and adds it to the generated <c>AddKinesisHandlers()</c> registration.
/// </summary>
/// <example>
/// <code>
/// [KinesisHandler("orders", ApplicationName = "billing")]
/// public Task OnOrder(Order order, RecordContext record, CancellationToken ct) => ...;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class KinesisHandlerAttribute : KinesisHandlerSettingsAttribute
{
    /// <summary>Creates the attribute for a stream.</summary>
    /// <param name="streamName">The Kinesis stream name (1–128 characters of a-z, A-Z, 0-9, '_', '.', '-').</param>
    public KinesisHandlerAttribute(string streamName) => StreamName = streamName;

    /// <summary>The stream the handler consumes.</summary>
    public string StreamName { get; }

    /// <summary>How record bytes become the payload. Default <see cref="PayloadFormat.Auto"/> (decided by the payload type).</summary>
    public PayloadFormat PayloadFormat { get; set; } = PayloadFormat.Auto;

    /// <summary>
    /// A type implementing <see cref="IRecordDeserializer{T}"/> for the payload type; it replaces the payload
    /// format. Resolved from DI when registered there, otherwise created with its constructor's services.
    /// </summary>
    public Type? Deserializer { get; set; }
}
