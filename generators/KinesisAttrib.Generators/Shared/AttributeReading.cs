using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>
/// One attribute as <see cref="HandlerAttributeReader"/> read it: its values, and the types it names as symbols (used at
/// once by the caller, never kept in a pipeline model).
/// </summary>
/// <param name="Settings">The values it sets.</param>
/// <param name="JsonSerializerContext">The JsonSerializerContext type, already checked to be a usable context; null when not set.</param>
/// <param name="Deserializer">The Deserializer type as written (checked against the payload by <see cref="HandlerSignature.DeserializerReason"/>); null when not set.</param>
internal sealed record AttributeReading(AttributeSettings Settings, INamedTypeSymbol? JsonSerializerContext, ITypeSymbol? Deserializer)
{
    /// <summary>No attribute: nothing set.</summary>
    public static AttributeReading None { get; } = new(AttributeSettings.None, null, null);
}
