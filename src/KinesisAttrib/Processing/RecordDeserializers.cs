using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Processing;

/// <summary>The deserializers of the non-JSON payload formats, and the factory for user deserializers.</summary>
[EditorBrowsable(EditorBrowsableState.Never)] // Generated code uses it; users never name it.
public static class RecordDeserializers
{
    /// <summary>UTF-8 text. Bytes that are not valid UTF-8 fail (they are not replaced with U+FFFD, which would lose data silently).</summary>
    public static IRecordDeserializer<string> Utf8String { get; } = new Utf8StringDeserializer();

    /// <summary>A copy of the record's bytes.</summary>
    public static IRecordDeserializer<byte[]> ByteArray { get; } = new ByteArrayDeserializer();

    /// <summary>The record's bytes, without a copy.</summary>
    public static IRecordDeserializer<ReadOnlyMemory<byte>> Memory { get; } = new MemoryDeserializer();

    /// <summary>The record itself.</summary>
    public static IRecordDeserializer<KinesisClientRecord> Record { get; } = new RecordDeserializer();

    /// <summary>
    /// A user deserializer: the one registered in DI as <typeparamref name="TDeserializer"/>, otherwise a new one made
    /// with its constructor's services.
    /// </summary>
    public static TDeserializer Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDeserializer>(IServiceProvider services)
        where TDeserializer : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<TDeserializer>() ?? ActivatorUtilities.CreateInstance<TDeserializer>(services);
    }

    private sealed class Utf8StringDeserializer : IRecordDeserializer<string>
    {
        private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        public string Deserialize(KinesisClientRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            return s_strict.GetString(record.Data.Span);
        }
    }

    private sealed class ByteArrayDeserializer : IRecordDeserializer<byte[]>
    {
        public byte[] Deserialize(KinesisClientRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            return record.Data.ToArray();
        }
    }

    private sealed class MemoryDeserializer : IRecordDeserializer<ReadOnlyMemory<byte>>
    {
        public ReadOnlyMemory<byte> Deserialize(KinesisClientRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            return record.Data;
        }
    }

    private sealed class RecordDeserializer : IRecordDeserializer<KinesisClientRecord>
    {
        public KinesisClientRecord Deserialize(KinesisClientRecord record) => record ?? throw new ArgumentNullException(nameof(record));
    }
}
