using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>
/// A handler's settings from its attribute and the assembly defaults, read, merged and checked: the problem, or the
/// merged settings. The analyzers call this; the generator calls the same three steps (<see cref="HandlerAttributeReader"/>,
/// <see cref="HandlerSignature.DeserializerReason"/>, <see cref="HandlerSettingsRules.Resolve"/>) in separate pipeline
/// stages, so an edit of one handler does not re-read the defaults.
/// </summary>
internal static class HandlerContract
{
    public static HandlerProblem? Resolve(
        AttributeData handlerAttribute,
        AttributeData? assemblyDefaults,
        Signature signature,
        KnownSymbols symbols,
        out ResolvedHandlerSettings? resolved)
    {
        resolved = null;
        if (HandlerAttributeReader.Read(handlerAttribute, symbols, isHandler: true, out var own) is { } problem)
        {
            return problem;
        }

        var defaults = AttributeReading.None;
        if (assemblyDefaults is not null && HandlerAttributeReader.Read(assemblyDefaults, symbols, isHandler: false, out defaults) is { } defaultsProblem)
        {
            return defaultsProblem.InAssemblyDefaults();
        }

        if (own.Deserializer is { } deserializer && HandlerSignature.DeserializerReason(deserializer, signature.PayloadType, symbols) is { } deserializerProblem)
        {
            return deserializerProblem;
        }

        if (HandlerSettingsRules.Resolve(own.Settings, defaults.Settings, own.Deserializer is not null, signature.NaturalFormat, out var merged, out var format) is { } settingsProblem)
        {
            return settingsProblem;
        }

        resolved = new ResolvedHandlerSettings(own, defaults, merged, format);
        return null;
    }
}
