using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// Explains every <c>[KinesisHandler]</c> the generator would skip (KA1001 and the specific KA1004–KA1016, KA3004),
/// invalid stream names (KA1002), handlers the runtime would refuse as duplicates (KA1003), duplicate context parameters
/// (KA1008) and payloads that would not decode (KA3001–KA3003), so that no handler is silently ignored or stalls.
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
        Descriptors.DuplicateHandler,
        Descriptors.GenericHandler,
        Descriptors.AbstractHandler,
        Descriptors.InaccessibleHandler,
        Descriptors.UnsupportedParameter,
        Descriptors.DuplicateParameter,
        Descriptors.MultiplePayloads,
        Descriptors.AsyncVoidHandler,
        Descriptors.AttributeValueOutOfRange,
        Descriptors.UndefinedEnumValue,
        Descriptors.InvalidInitialTimestamp,
        Descriptors.InvalidPeriodicCheckpoint,
        Descriptors.InvalidDeserializer,
        Descriptors.PayloadFormatMismatch,
        Descriptors.PayloadNotDeserializable,
        Descriptors.JsonContextLacksPayload,
        Descriptors.ReflectionJsonInAotProject,
        Descriptors.InvalidJsonSerializerContext);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        KnownTypes.OnCompilationStart(context, static (start, types) =>
        {
            var handlers = new ConcurrentBag<HandlerKey>();

            // The generator fills a handler's missing ApplicationName from [assembly: KinesisHandlerDefaults], so the
            // runtime sees that name: duplicates are judged with it too.
            var defaultApplication = types.AssemblyDefaults is { } defaults ? HandlerAttributeReader.ApplicationName(defaults) : null;
            var aotProperty = PayloadRules.AotProperty(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions);

            start.RegisterSymbolAction(
                symbolContext => AnalyzeMethod(
                    (IMethodSymbol)symbolContext.Symbol, types, defaultApplication, aotProperty, handlers, symbolContext.ReportDiagnostic, symbolContext.CancellationToken),
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
                        AnalyzeMethod(method, types, defaultApplication, aotProperty, handlers, nodeContext.ReportDiagnostic, nodeContext.CancellationToken);
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
        string? aotProperty,
        ConcurrentBag<HandlerKey> handlers,
        System.Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        // Symbol actions run for both parts of a partial method; the definition part carries the merged attributes.
        if (method.PartialDefinitionPart is not null)
        {
            return;
        }

        var attribute = types.HandlerAttributeOf(method);
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attributeSyntax)
        {
            return;
        }

        var name = method.MethodKind == MethodKind.AnonymousFunction ? "lambda" : method.ToDisplayString(s_methodFormat);
        var methodLocation = method.MethodKind == MethodKind.AnonymousFunction || method.Locations.IsDefaultOrEmpty
            ? attributeSyntax.GetLocation()
            : method.Locations[0];

        var analysis = HandlerShapeRules.Analyze(method, attribute, types);
        if (analysis.Problem is { } problem)
        {
            // A type that does not resolve is a compiler error already; a second error on the handler would be noise.
            if (problem.Rule != HandlerRule.Unresolved)
            {
                var location = ProblemLocation(problem, method, attributeSyntax) ?? methodLocation;
                report(Diagnostic.Create(DescriptorFor(problem.Rule), location, name, problem.Message));
            }
        }
        else
        {
            ReportDuplicateParameters(method, analysis.Signature!, name, report);
            PayloadRules.Report(method, analysis, types, name, methodLocation, aotProperty, report);
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
            handlers.Add(new HandlerKey(HandlerAttributeReader.ApplicationName(attribute) ?? defaultApplication, streamName, name, attributeSyntax.GetLocation()));
        }
    }

    private static DiagnosticDescriptor DescriptorFor(HandlerRule rule) => rule switch
    {
        HandlerRule.Generic => Descriptors.GenericHandler,
        HandlerRule.Abstract => Descriptors.AbstractHandler,
        HandlerRule.Inaccessible => Descriptors.InaccessibleHandler,
        HandlerRule.UnsupportedParameter => Descriptors.UnsupportedParameter,
        HandlerRule.MultiplePayloads => Descriptors.MultiplePayloads,
        HandlerRule.AsyncVoid => Descriptors.AsyncVoidHandler,
        HandlerRule.ValueOutOfRange => Descriptors.AttributeValueOutOfRange,
        HandlerRule.UndefinedEnumValue => Descriptors.UndefinedEnumValue,
        HandlerRule.InitialTimestamp => Descriptors.InvalidInitialTimestamp,
        HandlerRule.PeriodicCheckpoint => Descriptors.InvalidPeriodicCheckpoint,
        HandlerRule.Deserializer => Descriptors.InvalidDeserializer,
        HandlerRule.PayloadFormat => Descriptors.PayloadFormatMismatch,
        HandlerRule.JsonSerializerContext => Descriptors.InvalidJsonSerializerContext,
        _ => Descriptors.UnsupportedHandlerShape,
    };

    /// <summary>
    /// The attribute argument or parameter at fault, when the problem names one that is written on this handler (a
    /// value inherited from the assembly defaults is reported on the method, whose settings it breaks).
    /// </summary>
    private static Location? ProblemLocation(HandlerProblem problem, IMethodSymbol method, AttributeSyntax attribute)
    {
        if (problem.Property is { } property)
        {
            return attribute.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property)?.GetLocation();
        }

        return problem.Parameter is { } parameterName
            && method.Parameters.FirstOrDefault(p => p.Name == parameterName) is { Locations.IsDefaultOrEmpty: false } parameter
                ? parameter.Locations[0]
                : null;
    }

    /// <summary>KA1008: the same context type twice. Services may repeat (the same scoped instance), context types may not.</summary>
    private static void ReportDuplicateParameters(IMethodSymbol method, Signature signature, string name, System.Action<Diagnostic> report)
    {
        for (var i = 0; i < signature.Parameters.Length; i++)
        {
            var kind = signature.Parameters[i];
            if (kind is ParameterKind.Payload or ParameterKind.Service)
            {
                continue;
            }

            for (var j = 0; j < i; j++)
            {
                if (signature.Parameters[j] == kind)
                {
                    var parameter = method.Parameters[i];
                    var location = parameter.Locations.IsDefaultOrEmpty ? method.Locations[0] : parameter.Locations[0];
                    report(Diagnostic.Create(
                        Descriptors.DuplicateParameter,
                        location,
                        name,
                        parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat),
                        method.Parameters[j].Name,
                        parameter.Name));
                    break;
                }
            }
        }
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
