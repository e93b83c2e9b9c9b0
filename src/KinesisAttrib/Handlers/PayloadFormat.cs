namespace KinesisAttrib.Handlers;

/// <summary>How record bytes become the handler's payload.</summary>
public enum PayloadFormat
{
    /// <summary>
    /// From the payload type: <c>string</c> is UTF-8 text, <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> are the bytes,
    /// <see cref="KinesisClientRecord"/> is the record itself, anything else is JSON. The default.
    /// </summary>
    Auto = 0,

    /// <summary>JSON through System.Text.Json, whatever the type (e.g. a JSON string literal into <c>string</c>).</summary>
    Json = 1,

    /// <summary>UTF-8 text; the payload type must be <c>string</c>.</summary>
    Text = 2,

    /// <summary>The bytes as they are; the payload type must be <c>byte[]</c> or <c>ReadOnlyMemory&lt;byte&gt;</c>.</summary>
    Bytes = 3,

    /// <summary>The record itself; the payload type must be <see cref="KinesisClientRecord"/>.</summary>
    Record = 4,
}
