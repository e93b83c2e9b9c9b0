using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// What the generator makes of a handler, from the rules it uses itself, in its order: where the method is declared
/// (<see cref="HandlerDeclarationRules"/>), its signature (<see cref="HandlerSignature"/>), then its settings
/// (<see cref="HandlerContract"/>).
/// </summary>
internal static class HandlerShapeRules
{
    /// <summary>The problem the generator skips <paramref name="method"/> for, or the signature and settings it generates with.</summary>
    public static HandlerAnalysis Analyze(IMethodSymbol method, AttributeData attribute, KnownTypes types)
    {
        if (HandlerDeclarationRules.Check(method, types.Compilation) is { } declarationProblem)
        {
            return new(declarationProblem);
        }

        if (HandlerSignature.Classify(method, types.Symbols, out var signature) is { } signatureProblem)
        {
            return new(signatureProblem);
        }

        return HandlerContract.Resolve(attribute, types.AssemblyDefaults, signature!, types.Symbols, out var settings) is { } settingsProblem
            ? new(settingsProblem)
            : new(null, signature, settings);
    }
}
