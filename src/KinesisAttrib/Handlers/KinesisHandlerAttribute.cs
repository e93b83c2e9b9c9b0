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
public sealed class KinesisHandlerAttribute : Attribute
{
    /// <summary>Creates the attribute for a stream.</summary>
    /// <param name="streamName">The Kinesis stream name (1–128 characters of a-z, A-Z, 0-9, '_', '.', '-').</param>
    public KinesisHandlerAttribute(string streamName) => StreamName = streamName;

    /// <summary>The stream the handler consumes.</summary>
    public string StreamName { get; }

    /// <summary>
    /// The application (consumer) name. Applications are independent: each has its own lease table (named after it)
    /// and its own checkpoints. Defaults to <see cref="Hosting.KinesisAttribOptions.ApplicationName"/>.
    /// </summary>
    public string? ApplicationName { get; set; }

    /// <summary>Where to start in shards that have no checkpoint yet. Default <see cref="InitialPosition.TrimHorizon"/>.</summary>
    public InitialPosition InitialPosition { get; set; } = InitialPosition.TrimHorizon;

    /// <summary>
    /// A <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> type that knows the payload type; with it
    /// the generated deserializer uses source-generated metadata (no reflection, Native AOT safe).
    /// </summary>
    public Type? JsonSerializerContext { get; set; }
}
