using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>A type as generated code writes it: fully qualified with <c>global::</c>, e.g. <c>global::Sample.Order</c>.</summary>
/// <param name="FullyQualifiedName">The <c>global::</c>-qualified name, with nullable annotations as declared.</param>
internal sealed record TypeRef(string FullyQualifiedName)
{
    private static readonly SymbolDisplayFormat s_fullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static TypeRef Of(ITypeSymbol type) => new(type.ToDisplayString(s_fullyQualified));

    public override string ToString() => FullyQualifiedName;
}
