namespace KinesisAttrib.Shared;

/// <summary>A settable property of <c>[KinesisHandler]</c>, as <see cref="RuntimeContract"/> declares it.</summary>
/// <param name="Name">The property name, as written in a named argument.</param>
/// <param name="TypeMetadataName">The metadata name of its type (<c>System.Int32</c>, or a runtime enum).</param>
/// <param name="OnDefaults">Whether <c>[assembly: KinesisHandlerDefaults]</c> has it too.</param>
internal sealed record AttributeProperty(string Name, string TypeMetadataName, bool OnDefaults = true);
