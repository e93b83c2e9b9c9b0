using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>
/// Reads the named arguments of <c>[KinesisHandler]</c> and <c>[assembly: KinesisHandlerDefaults]</c>: the one place
/// compile-time code looks at them. A property it does not know is a problem: the generator cannot honour it.
/// </summary>
internal static class HandlerAttributeReader
{
    /// <summary>Reads one attribute; <paramref name="isHandler"/> is false for the assembly defaults (which name no Deserializer).</summary>
    public static HandlerProblem? Read(AttributeData attribute, KnownSymbols symbols, bool isHandler, out AttributeReading reading)
    {
        reading = AttributeReading.None;
        var settings = AttributeSettings.None;
        INamedTypeSymbol? context = null;
        ITypeSymbol? deserializer = null;
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value.Value;
            switch (argument.Key)
            {
                case RuntimeContract.ApplicationNameProperty:
                    settings = settings with { ApplicationName = value as string };
                    break;
                case RuntimeContract.InitialTimestampProperty:
                    settings = settings with { InitialTimestamp = value as string };
                    break;
                case RuntimeContract.InitialPositionProperty when value is int position:
                    settings = settings with { InitialPosition = position };
                    break;
                case RuntimeContract.CheckpointModeProperty when value is int mode:
                    settings = settings with { CheckpointMode = mode };
                    break;
                case RuntimeContract.CheckpointEveryRecordsProperty when value is int records:
                    settings = settings with { CheckpointEveryRecords = records };
                    break;
                case RuntimeContract.CheckpointIntervalSecondsProperty when value is int seconds:
                    settings = settings with { CheckpointIntervalSeconds = seconds };
                    break;
                case RuntimeContract.MaxRecordsProperty when value is int maxRecords:
                    settings = settings with { MaxRecords = maxRecords };
                    break;
                case RuntimeContract.IdleTimeBetweenReadsMillisecondsProperty when value is int idle:
                    settings = settings with { IdleTimeBetweenReadsMilliseconds = idle };
                    break;
                case RuntimeContract.RetrievalModeProperty when value is int retrieval:
                    settings = settings with { RetrievalMode = retrieval };
                    break;
                case RuntimeContract.PayloadFormatProperty when value is int format:
                    settings = settings with { PayloadFormat = format };
                    break;
                case RuntimeContract.DeserializationFailurePolicyProperty when value is int policy:
                    settings = settings with { DeserializationFailurePolicy = policy };
                    break;
                case RuntimeContract.JsonPropertyNamesCaseSensitiveProperty when value is bool caseSensitive:
                    settings = settings with { JsonPropertyNamesCaseSensitive = caseSensitive };
                    break;
                case RuntimeContract.MaxRetryAttemptsProperty when value is int retries:
                    settings = settings with { MaxRetryAttempts = retries };
                    break;
                case RuntimeContract.BisectBatchOnErrorProperty when value is bool bisect:
                    settings = settings with { BisectBatchOnError = bisect };
                    break;
                case RuntimeContract.MaxRecordAgeSecondsProperty when value is int age:
                    settings = settings with { MaxRecordAgeSeconds = age };
                    break;
                case RuntimeContract.RetryDelayMillisecondsProperty when value is int delay:
                    settings = settings with { RetryDelayMilliseconds = delay };
                    break;
                case RuntimeContract.MaxRetryDelayMillisecondsProperty when value is int maxDelay:
                    settings = settings with { MaxRetryDelayMilliseconds = maxDelay };
                    break;
                case RuntimeContract.FailureDestinationProperty:
                    settings = settings with { FailureDestination = value as string };
                    break;
                case RuntimeContract.JsonSerializerContextProperty:
                    if (value is null)
                    {
                        break;
                    }

                    if (value is not INamedTypeSymbol contextType || !IsJsonSerializerContext(contextType, symbols))
                    {
                        var name = (value as ITypeSymbol)?.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) ?? "?";
                        return new(
                            HandlerRule.JsonSerializerContext,
                            $"JsonSerializerContext '{name}' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext",
                            argument.Key);
                    }

                    context = contextType;
                    settings = settings with { JsonSerializerContext = TypeRef.Of(contextType) };
                    break;
                case RuntimeContract.DeserializerProperty when isHandler:
                    deserializer = value as ITypeSymbol;
                    break;
                default:
                    return new(HandlerRule.Shape, $"the attribute sets '{argument.Key}', which this generator version does not support", argument.Key);
            }
        }

        reading = new AttributeReading(settings, context, deserializer);
        return null;
    }

    /// <summary>
    /// The ApplicationName an attribute sets, or null. Read on its own because duplicate handlers are judged by it even
    /// when the rest of the attribute is unusable.
    /// </summary>
    public static string? ApplicationName(AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == RuntimeContract.ApplicationNameProperty)
            {
                return argument.Value.Value as string;
            }
        }

        return null;
    }

    private static bool IsJsonSerializerContext(INamedTypeSymbol type, KnownSymbols symbols)
    {
        var baseType = symbols.JsonSerializerContext;
        if (baseType is null
            || type.TypeKind != TypeKind.Class
            || type.IsAbstract
            || type.IsGenericType
            || !HandlerSignature.IsVisibleToGeneratedCode(type, symbols.Compilation))
        {
            return false;
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
