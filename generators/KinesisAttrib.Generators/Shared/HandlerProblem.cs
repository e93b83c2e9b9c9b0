namespace KinesisAttrib.Shared;

/// <summary>
/// Which rule a rejected handler breaks. The generator only cares that there is a problem (it then skips the handler);
/// the analyzers map each rule to its own diagnostic id.
/// </summary>
internal enum HandlerRule
{
    /// <summary>Anything without a more specific rule (KA1001).</summary>
    Shape,

    /// <summary>The method or a containing type has type parameters.</summary>
    Generic,

    /// <summary>The method is abstract, or an instance method of a class dependency injection cannot create.</summary>
    Abstract,

    /// <summary>The method, a containing type or a parameter type cannot be reached from generated code.</summary>
    Inaccessible,

    /// <summary>A parameter the generated processor cannot pass.</summary>
    UnsupportedParameter,

    /// <summary>A second parameter that is a payload rather than a service.</summary>
    MultiplePayloads,

    /// <summary>The method is <c>async void</c>.</summary>
    AsyncVoid,

    /// <summary>A number outside its range (batch size, idle time, checkpoint limits, retry limit, record age, retry delays).</summary>
    ValueOutOfRange,

    /// <summary>An enum set to a value it does not define.</summary>
    UndefinedEnumValue,

    /// <summary>InitialPosition and InitialTimestamp do not fit together.</summary>
    InitialTimestamp,

    /// <summary>CheckpointMode and the periodic limits do not fit together.</summary>
    PeriodicCheckpoint,

    /// <summary>The Deserializer type is not a usable IRecordDeserializer of the payload.</summary>
    Deserializer,

    /// <summary>PayloadFormat does not fit the payload type, or is combined with a Deserializer.</summary>
    PayloadFormat,

    /// <summary>The JsonSerializerContext type is not a usable JsonSerializerContext.</summary>
    JsonSerializerContext,

    /// <summary>A type that does not resolve: the compiler reports it already.</summary>
    Unresolved,
}

/// <summary>Why a method is not a handler the generator can turn into a processor: the rule it breaks and a sentence for people.</summary>
internal sealed class HandlerProblem
{
    public HandlerProblem(HandlerRule rule, string message, string? property = null, string? parameter = null)
    {
        Rule = rule;
        Message = message;
        Property = property;
        Parameter = parameter;
    }

    public HandlerRule Rule { get; }

    /// <summary>What is wrong and how to fix it, starting in lower case ("it is generic; …").</summary>
    public string Message { get; }

    /// <summary>The attribute property at fault, when there is one (the analyzer points at that argument).</summary>
    public string? Property { get; }

    /// <summary>The parameter at fault, when there is one (the analyzer points at it).</summary>
    public string? Parameter { get; }

    /// <summary>The same problem, as seen through <c>[assembly: KinesisHandlerDefaults]</c>.</summary>
    public HandlerProblem InAssemblyDefaults() =>
        new(Rule, "[assembly: KinesisHandlerDefaults] is unusable: " + Message);

    public override string ToString() => Message;
}
