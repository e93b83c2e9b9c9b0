using System;
using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Analyzers;

/// <summary>The handler attribute, the assembly's handler defaults and the JSON types of one compilation, looked up once per compilation.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation, INamedTypeSymbol handlerAttribute)
    {
        Compilation = compilation;
        HandlerAttribute = handlerAttribute;
        Symbols = new KnownSymbols(compilation);
        JsonConverterAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonConverterAttributeMetadata);
        JsonConstructorAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonConstructorAttributeMetadata);
        JsonPolymorphicAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonPolymorphicAttributeMetadata);
        JsonDerivedTypeAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonDerivedTypeAttributeMetadata);
        JsonSerializableAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializableAttributeMetadata);
        JsonIgnoreAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonIgnoreAttributeMetadata);
        JsonTypeInfoOfT = compilation.GetTypeByMetadataName(KnownTypeNames.JsonTypeInfoOfTMetadata);
        if (compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerDefaultsAttribute) is { } defaultsType)
        {
            foreach (var attribute in compilation.Assembly.GetAttributes())
            {
                if (defaultsType.Equals(attribute.AttributeClass, SymbolEqualityComparer.Default))
                {
                    AssemblyDefaults = attribute;
                    break;
                }
            }
        }
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol HandlerAttribute { get; }

    /// <summary>The types the shared handler rules compare with.</summary>
    public KnownSymbols Symbols { get; }

    // System.Text.Json types the payload rules (KA3001, KA3002) look for; null where the compilation lacks them.
    public INamedTypeSymbol? JsonConverterAttribute { get; }

    public INamedTypeSymbol? JsonConstructorAttribute { get; }

    public INamedTypeSymbol? JsonPolymorphicAttribute { get; }

    public INamedTypeSymbol? JsonDerivedTypeAttribute { get; }

    public INamedTypeSymbol? JsonSerializableAttribute { get; }

    public INamedTypeSymbol? JsonIgnoreAttribute { get; }

    public INamedTypeSymbol? JsonTypeInfoOfT { get; }

    /// <summary>The assembly's <c>[KinesisHandlerDefaults]</c> (AllowMultiple is false, so at most one), or null.</summary>
    public AttributeData? AssemblyDefaults { get; }

    /// <summary>
    /// Runs <paramref name="action"/> at the start of each compilation that references KinesisAttrib (there is nothing
    /// to analyze in others), with the symbols resolved once for it.
    /// </summary>
    public static void OnCompilationStart(AnalysisContext context, Action<CompilationStartAnalysisContext, KnownTypes> action) =>
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerAttribute) is { } attribute)
            {
                action(start, new KnownTypes(start.Compilation, attribute));
            }
        });

    /// <summary>The method's <c>[KinesisHandler]</c>, or null.</summary>
    public AttributeData? HandlerAttributeOf(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (HandlerAttribute.Equals(attribute.AttributeClass, SymbolEqualityComparer.Default))
            {
                return attribute;
            }
        }

        return null;
    }
}
