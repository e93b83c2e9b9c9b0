namespace KinesisAttrib.Generators;

/// <summary>Names of the pipeline steps, so tests can assert that each one is cached on unrelated edits.</summary>
internal static class TrackingNames
{
    /// <summary>One <see cref="Model.HandlerSpec"/> per understood <c>[KinesisHandler]</c> method.</summary>
    public const string Handlers = nameof(Handlers);

    /// <summary>All handlers, sorted, with unique processor names assigned.</summary>
    public const string AllHandlers = nameof(AllHandlers);

    /// <summary>The named handlers again one by one, so each processor file is only re-emitted when its own handler changes.</summary>
    public const string NamedHandlers = nameof(NamedHandlers);

    /// <summary>Every step name, for tests.</summary>
    public static readonly string[] All = [Handlers, AllHandlers, NamedHandlers];
}
