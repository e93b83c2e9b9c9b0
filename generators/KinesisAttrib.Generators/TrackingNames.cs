namespace KinesisAttrib.Generators;

/// <summary>Names of the pipeline steps, so tests can assert that each one is cached on unrelated edits.</summary>
internal static class TrackingNames
{
    /// <summary>One <see cref="Model.HandlerSpec"/> per understood <c>[KinesisHandler]</c> method, with its own attribute values.</summary>
    public const string Handlers = nameof(Handlers);

    /// <summary>The assembly's <c>[KinesisHandlerDefaults]</c>.</summary>
    public const string Defaults = nameof(Defaults);

    /// <summary>Each handler with the assembly defaults merged in and checked; handlers whose settings are inconsistent drop out.</summary>
    public const string ResolvedHandlers = nameof(ResolvedHandlers);

    /// <summary>All handlers, sorted, with unique processor names assigned.</summary>
    public const string AllHandlers = nameof(AllHandlers);

    /// <summary>The named handlers again one by one, so each processor file is only re-emitted when its own handler changes.</summary>
    public const string NamedHandlers = nameof(NamedHandlers);

    /// <summary>The assembly name as an identifier, for the public registration's names.</summary>
    public const string AssemblyIdentifier = nameof(AssemblyIdentifier);

    /// <summary>Every step name, for tests.</summary>
    public static readonly string[] All = [Handlers, Defaults, ResolvedHandlers, AllHandlers, NamedHandlers, AssemblyIdentifier];
}
