using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using KinesisAttrib.Handlers;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>
/// What the analyzer tests compile against, offline: the reference-assembly presets of Microsoft.CodeAnalysis.Testing
/// download packages, so Basic.Reference.Assemblies and the runtime are used instead.
/// </summary>
internal static class TestReferences
{
    /// <summary>.NET 10 reference assemblies and the KinesisAttrib runtime.</summary>
    public static ImmutableArray<MetadataReference> All { get; } =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(KinesisHandlerAttribute).Assembly.Location),
    ];

    /// <summary>A global .editorconfig setting <c>build_property.Name = value</c> for each <c>Name=value</c>.</summary>
    public static string GlobalConfig(IEnumerable<string> buildProperties) =>
        "is_global = true\n" + string.Concat(buildProperties.Select(p => "build_property." + p.Replace("=", " = ", StringComparison.Ordinal) + "\n"));
}
