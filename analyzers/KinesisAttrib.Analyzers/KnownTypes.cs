using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>The symbols of <see cref="KnownTypeNames"/> in one compilation, looked up once per compilation.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation, INamedTypeSymbol handlerAttribute)
    {
        Compilation = compilation;
        HandlerAttribute = handlerAttribute;
        RecordContext = compilation.GetTypeByMetadataName(KnownTypeNames.RecordContext);
        CancellationToken = compilation.GetTypeByMetadataName(KnownTypeNames.CancellationToken);
        Task = compilation.GetTypeByMetadataName(KnownTypeNames.Task);
        JsonSerializerContext = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializerContext);
        KinesisClientRecord = compilation.GetTypeByMetadataName(KnownTypeNames.KinesisClientRecord);
        ReadOnlyMemory = compilation.GetTypeByMetadataName(KnownTypeNames.ReadOnlyMemory);
        Memory = compilation.GetTypeByMetadataName(KnownTypeNames.Memory);
        DefaultsAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerDefaultsAttribute);
    }

    public INamedTypeSymbol? DefaultsAttribute { get; }

    public Compilation Compilation { get; }

    public INamedTypeSymbol HandlerAttribute { get; }

    public INamedTypeSymbol? RecordContext { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? KinesisClientRecord { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? Memory { get; }

    /// <summary>Null when the compilation does not reference KinesisAttrib: then there is nothing to analyze.</summary>
    public static KnownTypes? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerAttribute) is { } attribute
            ? new KnownTypes(compilation, attribute)
            : null;
}
