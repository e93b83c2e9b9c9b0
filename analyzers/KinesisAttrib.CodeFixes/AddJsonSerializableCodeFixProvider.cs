using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisAttrib.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace KinesisAttrib.CodeFixes;

/// <summary>
/// KA3002: adds <c>[JsonSerializable(typeof(T))]</c> for the payload to the JsonSerializerContext the handler names,
/// next to its other <c>[JsonSerializable]</c> attributes (the context may be in another file).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableCodeFixProvider))]
[Shared]
public sealed class AddJsonSerializableCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = CodeFixIds.Prefix + "AddJsonSerializable";
    private const string JsonSerializableAttribute = "global::System.Text.Json.Serialization.JsonSerializable";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.JsonContextLacksPayload);

    /// <inheritdoc />
    /// <remarks>
    /// Fix-all adds each missing type once per context, however many handlers need it, all in one change (the contexts
    /// may live in other files than the handlers).
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() => AddAllFixAllProvider.Instance;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var compilation = await context.Document.Project.GetCompilationAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Target(compilation, diagnostic, context.CancellationToken) is not { } target
                || context.Document.Project.Solution.GetDocument(target.Declaration.SyntaxTree) is null)
            {
                continue;
            }

            var solution = context.Document.Project.Solution;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [JsonSerializable(typeof({ShortName(target.PayloadType)}))] to {target.ContextName}",
                    ct => AddAttributesAsync(solution, [(target.Declaration, target.PayloadType)], ct),
                    EquivalenceKey),
                diagnostic);
        }
    }

    // One [JsonSerializable] per payload type, in order, on each context declaration: a fix of one diagnostic, or of all.
    private static async Task<Solution> AddAttributesAsync(Solution solution, IEnumerable<(ClassDeclarationSyntax Declaration, string PayloadType)> additions, CancellationToken cancellationToken)
    {
        foreach (var byTree in additions.GroupBy(a => a.Declaration.SyntaxTree))
        {
            if (solution.GetDocument(byTree.Key) is not { } document
                || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root)
            {
                continue;
            }

            var updates = byTree
                .GroupBy(a => a.Declaration)
                .ToDictionary(g => g.Key, g => WithAttributes(root, g.Key, g.Select(a => a.PayloadType).Distinct().ToList()));
            solution = document.WithSyntaxRoot(root.ReplaceNodes(updates.Keys, (original, _) => updates[original])).Project.Solution;
        }

        return solution;
    }

    private static ClassDeclarationSyntax WithAttributes(SyntaxNode root, ClassDeclarationSyntax declaration, IReadOnlyList<string> payloadTypes)
    {
        // The file's own line ending, so a \n file stays \n.
        var existing = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var endOfLine = existing.IsKind(SyntaxKind.EndOfLineTrivia)
            ? SyntaxFactory.ElasticEndOfLine(existing.ToString())
            : SyntaxFactory.ElasticCarriageReturnLineFeed;
        var newLists = payloadTypes
            .Select(payloadType => SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
                    SyntaxFactory.ParseName(JsonSerializableAttribute),
                    SyntaxFactory.ParseAttributeArgumentList($"(typeof({payloadType}))"))))
                .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation)
                .WithTrailingTrivia(endOfLine))
            .ToList();

        // After the last [JsonSerializable] list, so the types stay together; else after the other attributes.
        var lists = declaration.AttributeLists;
        var last = -1;
        for (var i = 0; i < lists.Count; i++)
        {
            if (lists[i].Attributes.Any(IsJsonSerializable))
            {
                last = i;
            }
        }

        if (last >= 0 || lists.Count > 0)
        {
            return declaration.WithAttributeLists(lists.InsertRange(last >= 0 ? last + 1 : lists.Count, newLists));
        }

        // The declaration's leading trivia (doc comment, indentation) goes before the first new attribute.
        var leading = declaration.GetLeadingTrivia();
        newLists[0] = newLists[0].WithLeadingTrivia(leading);
        return declaration.WithoutLeadingTrivia().WithAttributeLists(SyntaxFactory.List(newLists));
    }

    // The context declaration to extend and the payload's type name, or null when the diagnostic does not say.
    private static (ClassDeclarationSyntax Declaration, string PayloadType, string ContextName)? Target(Compilation? compilation, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(PayloadRules.ContextMetadataNameProperty, out var contextName)
            || !diagnostic.Properties.TryGetValue(PayloadRules.PayloadTypeProperty, out var payloadType)
            || contextName is null
            || payloadType is null
            || compilation?.GetTypeByMetadataName(contextName) is not { } contextType)
        {
            return null;
        }

        // The declaration that already lists types, else the first one in source.
        var declarations = contextType.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<ClassDeclarationSyntax>()
            .ToList();
        var target = declarations.FirstOrDefault(d => d.AttributeLists.SelectMany(l => l.Attributes).Any(IsJsonSerializable))
            ?? declarations.FirstOrDefault();
        return target is null ? null : (target, payloadType, contextType.Name);
    }

    /// <summary>Adds every missing type of the diagnostics in the scope, each once per context.</summary>
    private sealed class AddAllFixAllProvider : FixAllProvider
    {
        public static readonly AddAllFixAllProvider Instance = new();

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var diagnostics = new List<(Project Project, Diagnostic Diagnostic)>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is { } document:
                    diagnostics.AddRange((await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)).Select(d => (document.Project, d)));
                    break;
                case FixAllScope.Project:
                    diagnostics.AddRange((await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false)).Select(d => (fixAllContext.Project, d)));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                    {
                        diagnostics.AddRange((await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false)).Select(d => (project, d)));
                    }

                    break;
                default:
                    return null;
            }

            var additions = new List<(ClassDeclarationSyntax Declaration, string PayloadType)>();
            foreach (var byProject in diagnostics.GroupBy(d => d.Project))
            {
                var compilation = await byProject.Key.GetCompilationAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
                foreach (var (_, diagnostic) in byProject)
                {
                    if (diagnostic.Id == DiagnosticIds.JsonContextLacksPayload
                        && Target(compilation, diagnostic, fixAllContext.CancellationToken) is { } target)
                    {
                        additions.Add((target.Declaration, target.PayloadType));
                    }
                }
            }

            var solution = fixAllContext.Solution;
            return additions.Count == 0
                ? null
                : CodeAction.Create(
                    "Add [JsonSerializable] for every payload type the contexts lack",
                    ct => AddAttributesAsync(solution, additions, ct),
                    fixAllContext.CodeActionEquivalenceKey ?? EquivalenceKey);
        }
    }

    private static bool IsJsonSerializable(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => "",
        };
        return name is "JsonSerializable" or "JsonSerializableAttribute";
    }

    private static string ShortName(string fullyQualified)
    {
        var name = fullyQualified.StartsWith("global::", System.StringComparison.Ordinal) ? fullyQualified.Substring("global::".Length) : fullyQualified;
        var generic = name.IndexOf('<');
        var dot = generic < 0 ? name.LastIndexOf('.') : name.LastIndexOf('.', generic);
        return dot < 0 ? name : name.Substring(dot + 1);
    }
}
