using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>The handler attribute and the assembly's handler defaults in one compilation, looked up once per compilation.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation, INamedTypeSymbol handlerAttribute)
    {
        Compilation = compilation;
        HandlerAttribute = handlerAttribute;
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

    /// <summary>The assembly's <c>[KinesisHandlerDefaults]</c> (AllowMultiple is false, so at most one), or null.</summary>
    public AttributeData? AssemblyDefaults { get; }

    /// <summary>Null when the compilation does not reference KinesisAttrib: then there is nothing to analyze.</summary>
    public static KnownTypes? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerAttribute) is { } attribute
            ? new KnownTypes(compilation, attribute)
            : null;

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
