namespace KinesisAttrib.Generators.Model;

/// <summary>A type as generated code writes it: fully qualified with <c>global::</c>, e.g. <c>global::Sample.Order</c>.</summary>
/// <param name="FullyQualifiedName">The <c>global::</c>-qualified name, with nullable annotations as declared.</param>
internal sealed record TypeRef(string FullyQualifiedName)
{
    public override string ToString() => FullyQualifiedName;
}
