using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// KA3001–KA3003: whether a JSON payload can be decoded the way the generated processor will decode it. Only handlers
/// the generator accepts get here, and only those whose final payload format is JSON.
/// </summary>
internal static class PayloadRules
{
    /// <summary>Diagnostic property: the metadata name of the JsonSerializerContext (KA3002, for the code fix).</summary>
    public const string ContextMetadataNameProperty = "ContextMetadataName";

    /// <summary>Diagnostic property: the payload type, fully qualified (KA3002, for the code fix).</summary>
    public const string PayloadTypeProperty = "PayloadType";

    // Enough for any real object graph; a bound, so a huge generated model cannot make the IDE crawl.
    private const int MaxTypesWalked = 2000;

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpErrorMessageFormat;

    /// <summary>The MSBuild setting that asks for AOT-safe code ("PublishAot=true"), or null. Needs CompilerVisibleProperty (KinesisAttrib.props).</summary>
    public static string? AotProperty(AnalyzerConfigOptions globalOptions)
    {
        foreach (var property in new[] { "PublishAot", "IsAotCompatible" })
        {
            if (globalOptions.TryGetValue("build_property." + property, out var value)
                && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            {
                return property + "=true";
            }
        }

        return null;
    }

    public static void Report(
        IMethodSymbol method,
        HandlerAnalysis analysis,
        KnownTypes types,
        string handlerName,
        Location methodLocation,
        string? aotProperty,
        Action<Diagnostic> report)
    {
        if (analysis is not { Signature: { } signature, Settings: { Format: PayloadFormatKind.Json } settings })
        {
            return;
        }

        var payload = Strip(signature.PayloadType);
        var payloadIndex = signature.Parameters.IndexOf(ParameterKind.Payload);
        var payloadLocation = payloadIndex >= 0 && !method.Parameters[payloadIndex].Locations.IsDefaultOrEmpty
            ? method.Parameters[payloadIndex].Locations[0]
            : methodLocation;

        if (UndeserializableReason(payload, types) is { } reason)
        {
            report(Diagnostic.Create(Descriptors.PayloadNotDeserializable, payloadLocation, payload.ToDisplayString(s_typeFormat), handlerName, reason));
        }

        if (settings.JsonSerializerContext is { } context)
        {
            if (!ContextKnows(context, payload, types))
            {
                var location = settings.JsonSerializerContextFromDefaults ? methodLocation : ContextArgumentLocation(method) ?? methodLocation;
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(ContextMetadataNameProperty, MetadataName(context))
                    .Add(PayloadTypeProperty, payload.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                report(Diagnostic.Create(
                    Descriptors.JsonContextLacksPayload,
                    location,
                    properties,
                    context.ToDisplayString(s_typeFormat),
                    payload.ToDisplayString(s_typeFormat),
                    handlerName));
            }
        }
        else if (aotProperty is not null)
        {
            report(Diagnostic.Create(Descriptors.ReflectionJsonInAotProject, methodLocation, handlerName, payload.ToDisplayString(s_typeFormat), aotProperty));
        }
    }

    /// <summary>Why System.Text.Json cannot create <paramref name="type"/>, or null when it can (or when it cannot tell).</summary>
    public static string? UndeserializableReason(ITypeSymbol type, KnownTypes types)
    {
        if (type is not INamedTypeSymbol named
            || named.SpecialType != SpecialType.None
            || named.TypeKind is not (TypeKind.Class or TypeKind.Interface)
            || IsFrameworkType(named)
            || IsEnumerable(named)
            || HasAttribute(named, types.JsonConverterAttribute, inherited: true))
        {
            // Primitives, structs (always have a default), enums, framework types and collections: STJ knows them.
            return null;
        }

        if (named.TypeKind == TypeKind.Interface || named.IsAbstract)
        {
            if (HasAttribute(named, types.JsonPolymorphicAttribute, inherited: false) || HasAttribute(named, types.JsonDerivedTypeAttribute, inherited: false))
            {
                return null;
            }

            var kind = named.TypeKind == TypeKind.Interface ? "an interface" : "an abstract class";
            return $"it is {kind}, which System.Text.Json cannot create; take a concrete type, or say how with [JsonConverter] or [JsonDerivedType] on it";
        }

        var constructors = named.InstanceConstructors;
        var jsonConstructorType = types.JsonConstructorAttribute;
        if (constructors.Any(c => c.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, jsonConstructorType))))
        {
            return null;
        }

        var publicConstructors = constructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        if (publicConstructors.Any(c => c.Parameters.IsEmpty))
        {
            return null;
        }

        if (publicConstructors.Count == 0)
        {
            return "it has no public constructor; add a public parameterless constructor, or mark one constructor [JsonConstructor]";
        }

        if (publicConstructors.Count > 1)
        {
            return "it has several public constructors with parameters and none is parameterless or marked [JsonConstructor]; mark the one to use [JsonConstructor]";
        }

        var members = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var current = named; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (!member.IsStatic && member is IPropertySymbol or IFieldSymbol { IsImplicitlyDeclared: false })
                {
                    members.Add(member.Name);
                }
            }
        }

        var unbound = publicConstructors[0].Parameters.FirstOrDefault(p => !members.Contains(p.Name));
        return unbound is null
            ? null
            : $"parameter '{unbound.Name}' of its constructor matches no property or field, and System.Text.Json binds constructor parameters to properties by name; rename it, or add a public parameterless constructor";
    }

    /// <summary>
    /// Whether the context has metadata for <paramref name="payload"/>: a <c>[JsonSerializable]</c> root, a type
    /// reachable from one (the System.Text.Json generator includes those), or a generated <c>JsonTypeInfo&lt;T&gt;</c> property.
    /// </summary>
    public static bool ContextKnows(INamedTypeSymbol context, ITypeSymbol payload, KnownTypes types)
    {
        var typeInfo = types.JsonTypeInfoOfT;
        foreach (var member in context.GetMembers())
        {
            if (member is IPropertySymbol { Type: INamedTypeSymbol { TypeArguments.Length: 1 } propertyType }
                && SymbolEqualityComparer.Default.Equals(propertyType.OriginalDefinition, typeInfo)
                && SymbolEqualityComparer.Default.Equals(Strip(propertyType.TypeArguments[0]), payload))
            {
                return true;
            }
        }

        var serializable = types.JsonSerializableAttribute;
        var ignore = types.JsonIgnoreAttribute;
        var visited = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<ITypeSymbol>();
        foreach (var attribute in context.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, serializable)
                && attribute.ConstructorArguments.Length > 0
                && attribute.ConstructorArguments[0].Value is ITypeSymbol root)
            {
                pending.Push(root);
            }
        }

        while (pending.Count > 0 && visited.Count < MaxTypesWalked)
        {
            var type = Strip(pending.Pop());
            if (!visited.Add(type))
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(type, payload))
            {
                return true;
            }

            switch (type)
            {
                case IArrayTypeSymbol array:
                    pending.Push(array.ElementType);
                    break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments)
                    {
                        pending.Push(argument);
                    }

                    if (IsFrameworkType(named))
                    {
                        break;
                    }

                    for (var current = named; current is not null && !IsFrameworkType(current); current = current.BaseType)
                    {
                        foreach (var member in current.GetMembers())
                        {
                            if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public
                                || member.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, ignore)))
                            {
                                continue;
                            }

                            if (member is IPropertySymbol { IsIndexer: false } property)
                            {
                                pending.Push(property.Type);
                            }
                            else if (member is IFieldSymbol field)
                            {
                                pending.Push(field.Type);
                            }
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static Location? ContextArgumentLocation(IMethodSymbol method)
    {
        foreach (var reference in method.GetAttributes().Select(a => a.ApplicationSyntaxReference))
        {
            if (reference?.GetSyntax() is AttributeSyntax { ArgumentList: { } arguments }
                && arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == RuntimeContract.JsonSerializerContextProperty) is { } argument)
            {
                return argument.GetLocation();
            }
        }

        return null;
    }

    /// <summary>The type without a nullable reference annotation (<c>Order?</c> and <c>Order</c> have the same metadata).</summary>
    private static ITypeSymbol Strip(ITypeSymbol type) =>
        type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type;

    private static bool IsFrameworkType(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        while (ns is { ContainingNamespace.IsGlobalNamespace: false })
        {
            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: false, Name: "System" or "Microsoft" };
    }

    private static bool IsEnumerable(INamedTypeSymbol type) =>
        type.SpecialType == SpecialType.System_Collections_IEnumerable
        || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable);

    private static bool HasAttribute(INamedTypeSymbol type, INamedTypeSymbol? attributeType, bool inherited)
    {
        if (attributeType is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = inherited ? current.BaseType : null)
        {
            foreach (var attribute in current.GetAttributes())
            {
                for (var cls = attribute.AttributeClass; cls is not null; cls = cls.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(cls, attributeType))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}
