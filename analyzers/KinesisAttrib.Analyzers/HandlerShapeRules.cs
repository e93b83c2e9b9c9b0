using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// Mirrors the type and accessibility checks of <c>KinesisHandlerGenerator.Parser.TryParse</c>, in the same order, but
/// says why (a <see cref="HandlerProblem"/>, whose rule picks the diagnostic id) instead of returning null; the
/// signature and the settings come from the shared rules the parser uses (<see cref="HandlerSignature"/>,
/// <see cref="HandlerContract"/>).
/// </summary>
internal static class HandlerShapeRules
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpErrorMessageFormat;

    /// <summary>
    /// What the generator makes of <paramref name="method"/>: the problem it skips the method for, or the signature,
    /// final payload format and JSON context it generates with.
    /// </summary>
    public static HandlerAnalysis Analyze(IMethodSymbol method, AttributeData attribute, KnownTypes types)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return new(new(HandlerRule.Shape, $"it is {DescribeKind(method.MethodKind)}; only ordinary methods declared in a class can be handlers"));
        }

        if (method.IsGenericMethod)
        {
            return new(new(HandlerRule.Generic, "it is generic; a handler cannot have type parameters (give the payload a concrete type)"));
        }

        if (method.IsAbstract)
        {
            return new(new(HandlerRule.Abstract, "it is abstract; a handler needs a body the generated processor can call"));
        }

        if ((GetTypeReason(method) ?? GetAccessibilityReason(method, types.Compilation)) is { } reason)
        {
            return new(reason);
        }

        if (GetSignatureReason(method, types, out var signature) is { } signatureReason)
        {
            return new(signatureReason);
        }

        return HandlerContract.Resolve(attribute, types.AssemblyDefaults, signature!, types.Compilation, out var settings) is { } settingsProblem
            ? new(settingsProblem)
            : new(null, signature, settings);
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

            // Not a parser check: the parser lets it through (it is accessible within the assembly), but the generated
            // code lives in another file and would not compile.
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

    /// <summary>Return type and parameters: the rules shared with the generator (<see cref="HandlerSignature"/>).</summary>
    private static HandlerProblem? GetSignatureReason(IMethodSymbol method, KnownTypes types, out Signature? signature) =>
        HandlerSignature.Classify(method, types.Compilation, out signature);
}

/// <summary>What the generator makes of a handler: the problem it is skipped for, or what it is generated with.</summary>
/// <param name="Problem">Why the generator skips the handler; null when it generates it.</param>
/// <param name="Signature">The classified signature, when generated.</param>
/// <param name="Settings">The resolved settings (final payload format, JSON context, checkpoint mode), when generated.</param>
internal sealed record HandlerAnalysis(
    HandlerProblem? Problem,
    Signature? Signature = null,
    ResolvedHandlerSettings? Settings = null);
