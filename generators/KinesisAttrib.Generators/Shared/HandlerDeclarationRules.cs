using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>
/// Where a handler may be declared: an ordinary, non-generic, non-abstract method of a class the generated code can
/// reach (and, for an instance method, that dependency injection can create). Shared by the generator's parser, which
/// skips what this rejects, and the analyzers, which report why.
/// </summary>
internal static class HandlerDeclarationRules
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpErrorMessageFormat;

    /// <summary>Why <paramref name="method"/> cannot be a handler where it is declared, or null.</summary>
    public static HandlerProblem? Check(IMethodSymbol method, Compilation compilation)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return new(HandlerRule.Shape, $"it is {DescribeKind(method.MethodKind)}; only ordinary methods declared in a class can be handlers");
        }

        if (method.IsGenericMethod)
        {
            return new(HandlerRule.Generic, "it is generic; a handler cannot have type parameters (give the payload a concrete type)");
        }

        if (method.IsAbstract)
        {
            return new(HandlerRule.Abstract, "it is abstract; a handler needs a body the generated processor can call");
        }

        return GetTypeReason(method) ?? GetAccessibilityReason(method, compilation);
    }

    private static string DescribeKind(MethodKind kind) => kind switch
    {
        MethodKind.LocalFunction => "a local function",
        MethodKind.AnonymousFunction => "a lambda",
        MethodKind.PropertyGet or MethodKind.PropertySet => "a property accessor",
        MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise => "an event accessor",
        MethodKind.UserDefinedOperator or MethodKind.Conversion => "an operator",
        MethodKind.ExplicitInterfaceImplementation => "an explicit interface implementation",
        MethodKind.Destructor => "a finalizer",
        _ => "not an ordinary method",
    };

    private static HandlerProblem? GetTypeReason(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var name = type.ToDisplayString(s_typeFormat);
        if (type.TypeKind != TypeKind.Class)
        {
            return new(HandlerRule.Shape, $"it is declared in {DescribeTypeKind(type)} '{name}'; handlers must be declared in a class");
        }

        // Instance handlers are resolved from DI (TryAddScoped<T>), which needs a concrete class.
        if (!method.IsStatic && type.IsStatic)
        {
            return new(HandlerRule.Shape, $"it is an instance method of static class '{name}'; make the method static");
        }

        if (!method.IsStatic && type.IsAbstract)
        {
            return new(HandlerRule.Abstract, $"it is an instance method of abstract class '{name}', which dependency injection cannot create; make the class concrete or the method static");
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                // IsGenericType is also true for a type nested in a generic one: name the type that has the parameters.
                var generic = current;
                while (generic.TypeParameters.IsEmpty && generic.ContainingType is { } outer)
                {
                    generic = outer;
                }

                return new(HandlerRule.Generic, $"{DescribeRole(generic, type)} '{generic.ToDisplayString(s_typeFormat)}' is generic; declare handlers in a non-generic class");
            }

            if (!IsAccessible(current.DeclaredAccessibility))
            {
                return new(HandlerRule.Inaccessible, $"{DescribeRole(current, type)} '{current.ToDisplayString(s_typeFormat)}' is {DescribeAccessibility(current.DeclaredAccessibility)}, "
                    + "so the generated code cannot reach it; make it internal or public");
            }

            // Accessible within the assembly, but the generated code lives in another file and would not compile.
            if (current.IsFileLocal)
            {
                return new(HandlerRule.Inaccessible, $"{DescribeRole(current, type)} '{current.ToDisplayString(s_typeFormat)}' is file-local, "
                    + "so the generated code (in another file) cannot reach it; make it internal or public");
            }
        }

        return null;
    }

    private static string DescribeRole(INamedTypeSymbol current, INamedTypeSymbol handlerType) =>
        current.Equals(handlerType, SymbolEqualityComparer.Default) ? "its class" : "its containing type";

    private static string DescribeTypeKind(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct when type.IsRecord => "record struct",
        TypeKind.Struct => "struct",
        TypeKind.Interface => "interface",
        _ => type.TypeKind.ToString().ToLowerInvariant(),
    };

    private static HandlerProblem? GetAccessibilityReason(IMethodSymbol method, Compilation compilation)
    {
        if (!IsAccessible(method.DeclaredAccessibility))
        {
            return new(HandlerRule.Inaccessible, $"it is {DescribeAccessibility(method.DeclaredAccessibility)}, so the generated code cannot call it; make it internal or public");
        }

        // Catches what declared accessibility alone does not, e.g. a handler in a file-local class.
        return compilation.IsSymbolAccessibleWithin(method, compilation.Assembly)
            ? null
            : new(HandlerRule.Inaccessible, "it is not accessible from other files of its assembly, so the generated code cannot call it; make it and its class internal or public");
    }

    private static bool IsAccessible(Accessibility accessibility) =>
        accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    private static string DescribeAccessibility(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "not accessible",
    };
}
