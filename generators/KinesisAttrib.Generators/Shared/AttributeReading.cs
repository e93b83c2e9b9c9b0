using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>
/// One attribute as <see cref="HandlerAttributeReader"/> read it: its values, and the types it names as symbols (used at
/// once by the caller, never kept in a pipeline model).
/// </summary>
internal sealed class AttributeReading
{
    public AttributeReading(AttributeSettings settings, INamedTypeSymbol? jsonSerializerContext, ITypeSymbol? deserializer)
    {
        Settings = settings;
        JsonSerializerContext = jsonSerializerContext;
        Deserializer = deserializer;
    }

    /// <summary>No attribute: nothing set.</summary>
    public static AttributeReading None { get; } = new(AttributeSettings.None, null, null);

    public AttributeSettings Settings { get; }

    /// <summary>The JsonSerializerContext type, already checked to be a usable context; null when not set.</summary>
    public INamedTypeSymbol? JsonSerializerContext { get; }

    /// <summary>The Deserializer type as written (checked against the payload by <see cref="HandlerSignature.DeserializerReason"/>); null when not set.</summary>
    public ITypeSymbol? Deserializer { get; }
}
