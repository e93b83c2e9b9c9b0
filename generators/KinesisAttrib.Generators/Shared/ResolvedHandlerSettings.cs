using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>A handler's settings as <see cref="HandlerContract"/> resolved them (symbols: used at once, never kept in a pipeline model).</summary>
/// <param name="Own">What the handler's own attribute sets.</param>
/// <param name="Defaults">What <c>[assembly: KinesisHandlerDefaults]</c> sets (<see cref="AttributeReading.None"/> without one).</param>
/// <param name="Merged">The handler's values over the defaults: what the generator emits.</param>
/// <param name="Format">The final payload format.</param>
internal sealed record ResolvedHandlerSettings(AttributeReading Own, AttributeReading Defaults, AttributeSettings Merged, PayloadFormatKind Format)
{
    /// <summary>The JsonSerializerContext the handler uses (its own, else the assembly default), or null.</summary>
    public INamedTypeSymbol? JsonSerializerContext => Own.JsonSerializerContext ?? Defaults.JsonSerializerContext;

    /// <summary>Whether <see cref="JsonSerializerContext"/> comes from the assembly defaults.</summary>
    public bool JsonSerializerContextFromDefaults => Own.JsonSerializerContext is null && Defaults.JsonSerializerContext is not null;

    /// <summary>The checkpoint mode in effect.</summary>
    public int CheckpointMode => Merged.CheckpointMode ?? RuntimeContract.DefaultCheckpointMode;
}
