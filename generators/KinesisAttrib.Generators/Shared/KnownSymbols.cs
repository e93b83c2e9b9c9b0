using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>
/// The types of <see cref="KnownTypeNames"/> the shared handler rules compare with, looked up once: per compilation in
/// the analyzers, per parsed handler in the generator (whose pipeline steps must not hold a compilation). Null where
/// the compilation lacks one.
/// </summary>
internal sealed class KnownSymbols
{
    public KnownSymbols(Compilation compilation)
    {
        Compilation = compilation;
        RecordContext = compilation.GetTypeByMetadataName(KnownTypeNames.RecordContextMetadata);
        BatchContext = compilation.GetTypeByMetadataName(KnownTypeNames.BatchContextMetadata);
        KinesisRecord = compilation.GetTypeByMetadataName(KnownTypeNames.KinesisRecordMetadata);
        BatchResult = compilation.GetTypeByMetadataName(KnownTypeNames.BatchResultMetadata);
        Checkpointer = compilation.GetTypeByMetadataName(KnownTypeNames.CheckpointerMetadata);
        KinesisClientRecord = compilation.GetTypeByMetadataName(KnownTypeNames.KinesisClientRecordMetadata);
        RecordDeserializer = compilation.GetTypeByMetadataName(KnownTypeNames.RecordDeserializerMetadata);
        JsonSerializerContext = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializerContextMetadata);
        CancellationToken = compilation.GetTypeByMetadataName(KnownTypeNames.CancellationTokenMetadata);
        Task = compilation.GetTypeByMetadataName(KnownTypeNames.TaskMetadata);
        TaskOfT = compilation.GetTypeByMetadataName(KnownTypeNames.TaskOfTMetadata);
        ValueTask = compilation.GetTypeByMetadataName(KnownTypeNames.ValueTaskMetadata);
        ValueTaskOfT = compilation.GetTypeByMetadataName(KnownTypeNames.ValueTaskOfTMetadata);
        ReadOnlyList = compilation.GetTypeByMetadataName(KnownTypeNames.ReadOnlyListMetadata);
        ReadOnlyMemory = compilation.GetTypeByMetadataName(KnownTypeNames.ReadOnlyMemoryMetadata);
        Memory = compilation.GetTypeByMetadataName(KnownTypeNames.MemoryMetadata);
        IServiceProvider = compilation.GetTypeByMetadataName(KnownTypeNames.IServiceProviderMetadata);
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? RecordContext { get; }

    public INamedTypeSymbol? BatchContext { get; }

    public INamedTypeSymbol? KinesisRecord { get; }

    public INamedTypeSymbol? BatchResult { get; }

    public INamedTypeSymbol? Checkpointer { get; }

    public INamedTypeSymbol? KinesisClientRecord { get; }

    public INamedTypeSymbol? RecordDeserializer { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? ReadOnlyList { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? Memory { get; }

    public INamedTypeSymbol? IServiceProvider { get; }
}
