using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>A handler's settings as <see cref="HandlerContract"/> resolved them: its own, the assembly's, and the merged result.</summary>
internal sealed class ResolvedHandlerSettings
{
    public ResolvedHandlerSettings(AttributeReading own, AttributeReading defaults, AttributeSettings merged, PayloadFormatKind format)
    {
        Own = own;
        Defaults = defaults;
        Merged = merged;
        Format = format;
    }

    /// <summary>What the handler's own attribute sets.</summary>
    public AttributeReading Own { get; }

    /// <summary>What <c>[assembly: KinesisHandlerDefaults]</c> sets (<see cref="AttributeReading.None"/> without one).</summary>
    public AttributeReading Defaults { get; }

    /// <summary>The handler's values over the defaults: what the generator emits.</summary>
    public AttributeSettings Merged { get; }

    /// <summary>The final payload format.</summary>
    public PayloadFormatKind Format { get; }

    /// <summary>The JsonSerializerContext the handler uses (its own, else the assembly default), or null.</summary>
    public INamedTypeSymbol? JsonSerializerContext => Own.JsonSerializerContext ?? Defaults.JsonSerializerContext;

    /// <summary>Whether <see cref="JsonSerializerContext"/> comes from the assembly defaults.</summary>
    public bool JsonSerializerContextFromDefaults => Own.JsonSerializerContext is null && Defaults.JsonSerializerContext is not null;

    /// <summary>The checkpoint mode in effect.</summary>
    public int CheckpointMode => Merged.CheckpointMode ?? RuntimeContract.DefaultCheckpointMode;
}
