using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>The symbols of <see cref="KnownTypeNames"/> in one compilation, looked up once per compilation.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation, INamedTypeSymbol handlerAttribute)
    {
        Compilation = compilation;
        HandlerAttribute = handlerAttribute;
        JsonSerializerContext = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializerContext);
        DefaultsAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerDefaultsAttribute);
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol HandlerAttribute { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? DefaultsAttribute { get; }

    /// <summary>Null when the compilation does not reference KinesisAttrib: then there is nothing to analyze.</summary>
    public static KnownTypes? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerAttribute) is { } attribute
            ? new KnownTypes(compilation, attribute)
            : null;
}
