using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// Explains every <c>[KinesisHandler]</c> the generator would skip (KA1001), invalid stream names (KA1002) and
/// handlers the runtime would refuse as duplicates (KA1003), so that no handler is silently ignored.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class KinesisHandlerAnalyzer : DiagnosticAnalyzer
{
    private static readonly SymbolDisplayFormat s_methodFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.UnsupportedHandlerShape,
        Descriptors.InvalidStreamName,
        Descriptors.DuplicateHandler);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownTypes.TryCreate(start.Compilation) is not { } types)
            {
                return;
            }

            var handlers = new ConcurrentBag<HandlerKey>();

            // The generator fills a handler's missing ApplicationName from [assembly: KinesisHandlerDefaults], so the
            // runtime sees that name: duplicates are judged with it too.
            var defaultApplication = DefaultApplicationName(start.Compilation, types);

            start.RegisterSymbolAction(
                symbolContext => AnalyzeMethod(
                    (IMethodSymbol)symbolContext.Symbol, types, defaultApplication, handlers, symbolContext.ReportDiagnostic, symbolContext.CancellationToken),
                SymbolKind.Method);

            // Local functions and lambdas are not symbols of their type, so symbol actions never see them; the generator
            // does not either, which is exactly why they must be reported.
            start.RegisterSyntaxNodeAction(
                nodeContext =>
                {
                    var symbol = nodeContext.Node is LocalFunctionStatementSyntax localFunction
                        ? nodeContext.SemanticModel.GetDeclaredSymbol(localFunction, nodeContext.CancellationToken)
                        : nodeContext.SemanticModel.GetSymbolInfo(nodeContext.Node, nodeContext.CancellationToken).Symbol;
                    if (symbol is IMethodSymbol method)
                    {
                        AnalyzeMethod(method, types, defaultApplication, handlers, nodeContext.ReportDiagnostic, nodeContext.CancellationToken);
                    }
                },
                SyntaxKind.LocalFunctionStatement,
                SyntaxKind.ParenthesizedLambdaExpression,
                SyntaxKind.SimpleLambdaExpression);

            start.RegisterCompilationEndAction(end => ReportDuplicates(end, handlers));
        });
    }

    private static void AnalyzeMethod(
        IMethodSymbol method,
        KnownTypes types,
        string? defaultApplication,
        ConcurrentBag<HandlerKey> handlers,
        System.Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        // Symbol actions run for both parts of a partial method; the definition part carries the merged attributes.
        if (method.PartialDefinitionPart is not null)
        {
            return;
        }

        var attribute = method.GetAttributes()
            .FirstOrDefault(a => types.HandlerAttribute.Equals(a.AttributeClass, SymbolEqualityComparer.Default));
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attributeSyntax)
        {
            return;
        }

        var name = method.MethodKind == MethodKind.AnonymousFunction ? "lambda" : method.ToDisplayString(s_methodFormat);
        var methodLocation = method.MethodKind == MethodKind.AnonymousFunction || method.Locations.IsDefaultOrEmpty
            ? attributeSyntax.GetLocation()
            : method.Locations[0];

        if (HandlerShapeRules.GetUnsupportedReason(method, attribute, types) is { } reason)
        {
            report(Diagnostic.Create(Descriptors.UnsupportedHandlerShape, methodLocation, name, reason));
        }

        // A constructor argument that does not bind is a compiler error already.
        if (attribute.ConstructorArguments.Length != 1 || GetStreamNameArgument(attributeSyntax) is not { } streamArgument)
        {
            return;
        }

        var streamName = attribute.ConstructorArguments[0].Value as string;
        if (StreamNameRules.GetInvalidReason(streamName) is { } streamReason)
        {
            var shown = streamName is null ? "null" : "'" + streamName + "'";
            report(Diagnostic.Create(Descriptors.InvalidStreamName, streamArgument.GetLocation(), shown, streamReason));
        }

        if (streamName is not null)
        {
            var applicationName = attribute.NamedArguments
                .FirstOrDefault(a => a.Key == KnownTypeNames.ApplicationNameProperty).Value.Value as string;
            handlers.Add(new HandlerKey(applicationName ?? defaultApplication, streamName, name, attributeSyntax.GetLocation()));
        }
    }

    private static string? DefaultApplicationName(Compilation compilation, KnownTypes types)
    {
        if (types.DefaultsAttribute is not { } defaultsType)
        {
            return null;
        }

        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            if (defaultsType.Equals(attribute.AttributeClass, SymbolEqualityComparer.Default))
            {
                return attribute.NamedArguments.FirstOrDefault(a => a.Key == KnownTypeNames.ApplicationNameProperty).Value.Value as string;
            }
        }

        return null;
    }

    private static ExpressionSyntax? GetStreamNameArgument(AttributeSyntax attribute) =>
        attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null)?.Expression;

    /// <summary>
    /// The runtime refuses two handlers of one (application, stream). Handlers without ApplicationName all use the
    /// configured default application, so they clash with each other; whether they clash with an explicitly named
    /// application depends on configuration, which is not known here, so that is not reported.
    /// </summary>
    private static void ReportDuplicates(CompilationAnalysisContext context, ConcurrentBag<HandlerKey> handlers)
    {
        if (handlers.Count < 2)
        {
            return;
        }

        var treeOrder = new Dictionary<SyntaxTree, int>();
        foreach (var tree in context.Compilation.SyntaxTrees)
        {
            treeOrder[tree] = treeOrder.Count;
        }

        // Declaration order decides which one is "the second", so the diagnostic lands on the same handler every build.
        var ordered = handlers
            .OrderBy(h => h.Location.SourceTree is { } tree && treeOrder.TryGetValue(tree, out var index) ? index : int.MaxValue)
            .ThenBy(h => h.Location.SourceSpan.Start);

        var first = new Dictionary<(string? Application, string Stream), HandlerKey>();
        foreach (var handler in ordered)
        {
            var key = (handler.ApplicationName, handler.StreamName);
            if (first.TryGetValue(key, out var earlier))
            {
                var application = handler.ApplicationName is null
                    ? "default (the configured KinesisAttribOptions.ApplicationName)"
                    : "'" + handler.ApplicationName + "'";
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.DuplicateHandler,
                    handler.Location,
                    additionalLocations: [earlier.Location],
                    messageArgs: [handler.MethodName, handler.StreamName, application, earlier.MethodName]));
            }
            else
            {
                first.Add(key, handler);
            }
        }
    }

    private sealed record HandlerKey(string? ApplicationName, string StreamName, string MethodName, Location Location);
}
