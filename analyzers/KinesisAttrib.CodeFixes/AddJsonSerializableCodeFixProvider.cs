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
    public override FixAllProvider? GetFixAllProvider() => null; // Several handlers may need the same line: fix them one by one.

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var compilation = await context.Document.Project.GetCompilationAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(PayloadRules.ContextMetadataNameProperty, out var contextName)
                || !diagnostic.Properties.TryGetValue(PayloadRules.PayloadTypeProperty, out var payloadType)
                || contextName is null
                || payloadType is null
                || compilation?.GetTypeByMetadataName(contextName) is not { } contextType)
            {
                continue;
            }

            // The declaration that already lists types, else the first one in source.
            var declarations = contextType.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(context.CancellationToken))
                .OfType<ClassDeclarationSyntax>()
                .ToList();
            var target = declarations.FirstOrDefault(d => d.AttributeLists.SelectMany(l => l.Attributes).Any(IsJsonSerializable))
                ?? declarations.FirstOrDefault();
            if (target is null || context.Document.Project.Solution.GetDocument(target.SyntaxTree) is not { } document)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [JsonSerializable(typeof({ShortName(payloadType)}))] to {contextType.Name}",
                    ct => AddAttributeAsync(document, target, payloadType, ct),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Solution> AddAttributeAsync(Document document, ClassDeclarationSyntax declaration, string payloadType, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document.Project.Solution;
        }

        var attribute = SyntaxFactory.Attribute(
            SyntaxFactory.ParseName(JsonSerializableAttribute),
            SyntaxFactory.ParseAttributeArgumentList($"(typeof({payloadType}))"));
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute))
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);

        // The file's own line ending, so a \n file stays \n.
        var existing = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var endOfLine = existing.IsKind(SyntaxKind.EndOfLineTrivia)
            ? SyntaxFactory.ElasticEndOfLine(existing.ToString())
            : SyntaxFactory.ElasticCarriageReturnLineFeed;

        // After the last [JsonSerializable] list, so the types stay together; else before the other attributes.
        var lists = declaration.AttributeLists;
        var last = -1;
        for (var i = 0; i < lists.Count; i++)
        {
            if (lists[i].Attributes.Any(IsJsonSerializable))
            {
                last = i;
            }
        }

        ClassDeclarationSyntax updated;
        if (last >= 0)
        {
            updated = declaration.WithAttributeLists(lists.Insert(last + 1, list.WithTrailingTrivia(endOfLine)));
        }
        else if (lists.Count > 0)
        {
            updated = declaration.WithAttributeLists(lists.Insert(lists.Count, list.WithTrailingTrivia(endOfLine)));
        }
        else
        {
            // The declaration's leading trivia (doc comment, indentation) goes before the new attribute.
            var leading = declaration.GetLeadingTrivia();
            updated = declaration.WithoutLeadingTrivia()
                .WithAttributeLists(SyntaxFactory.SingletonList(list.WithLeadingTrivia(leading).WithTrailingTrivia(endOfLine)));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(declaration, updated)).Project.Solution;
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
