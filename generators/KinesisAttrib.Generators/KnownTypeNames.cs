namespace KinesisAttrib.Generators;

/// <summary>
/// Names of the runtime and framework types the generator looks for or emits. The generator never loads the runtime
/// assembly: it finds types by metadata name and writes them back <c>global::</c>-qualified. The metadata names of
/// handler signatures are in <see cref="Shared.HandlerSignature"/>, shared with the analyzers.
/// </summary>
internal static class KnownTypeNames
{
    // Metadata names, for ForAttributeWithMetadataName and Compilation.GetTypeByMetadataName.
    public const string KinesisHandlerAttribute = "KinesisAttrib.Handlers.KinesisHandlerAttribute";
    public const string KinesisHandlerDefaultsAttribute = "KinesisAttrib.Handlers.KinesisHandlerDefaultsAttribute";
    public const string JsonSerializerContextMetadata = "System.Text.Json.Serialization.JsonSerializerContext";

    // Named arguments of [KinesisHandler] and [KinesisHandlerDefaults].
    public const string ApplicationNameProperty = "ApplicationName";
    public const string InitialPositionProperty = "InitialPosition";
    public const string InitialTimestampProperty = "InitialTimestamp";
    public const string CheckpointModeProperty = "CheckpointMode";
    public const string CheckpointEveryRecordsProperty = "CheckpointEveryRecords";
    public const string CheckpointIntervalSecondsProperty = "CheckpointIntervalSeconds";
    public const string MaxRecordsProperty = "MaxRecords";
    public const string IdleTimeBetweenReadsMillisecondsProperty = "IdleTimeBetweenReadsMilliseconds";
    public const string PayloadFormatProperty = "PayloadFormat";
    public const string JsonSerializerContextProperty = "JsonSerializerContext";
    public const string DeserializerProperty = "Deserializer";
    public const string DeserializationFailurePolicyProperty = "DeserializationFailurePolicy";
    public const string MaxRetryAttemptsProperty = "MaxRetryAttempts";
    public const string BisectBatchOnErrorProperty = "BisectBatchOnError";
    public const string MaxRecordAgeSecondsProperty = "MaxRecordAgeSeconds";
    public const string RetryDelayMillisecondsProperty = "RetryDelayMilliseconds";
    public const string MaxRetryDelayMillisecondsProperty = "MaxRetryDelayMilliseconds";
    public const string FailureDestinationProperty = "FailureDestination";

    // Fully qualified names, for emitted code.
    public const string RecordHandlerProcessor = "global::KinesisAttrib.Processing.RecordHandlerProcessor";
    public const string BatchHandlerProcessor = "global::KinesisAttrib.Processing.BatchHandlerProcessor";
    public const string HandlerSettings = "global::KinesisAttrib.Processing.HandlerSettings";
    public const string JsonRecordDeserializer = "global::KinesisAttrib.Processing.JsonRecordDeserializer";
    public const string RecordDeserializers = "global::KinesisAttrib.Processing.RecordDeserializers";
    public const string IRecordProcessorCheckpointer = "global::KinesisAttrib.Handlers.IRecordProcessorCheckpointer";
    public const string RecordContext = "global::KinesisAttrib.Handlers.RecordContext";
    public const string BatchContext = "global::KinesisAttrib.Handlers.BatchContext";
    public const string BatchResult = "global::KinesisAttrib.Handlers.BatchResult";
    public const string KinesisRecord = "global::KinesisAttrib.Handlers.KinesisRecord";
    public const string InitialPosition = "global::KinesisAttrib.Handlers.InitialPosition";
    public const string CheckpointMode = "global::KinesisAttrib.Handlers.CheckpointMode";
    public const string DeserializationFailurePolicy = "global::KinesisAttrib.Handlers.DeserializationFailurePolicy";
    public const string KinesisHandlerDescriptor = "global::KinesisAttrib.Hosting.KinesisHandlerDescriptor";
    public const string KinesisAttribServiceCollectionExtensions = "global::KinesisAttrib.Hosting.KinesisAttribServiceCollectionExtensions";
    public const string IServiceProvider = "global::System.IServiceProvider";
    public const string IServiceCollection = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
    public const string ServiceProviderServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
    public const string ServiceCollectionDescriptorExtensions = "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string IReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";
    public const string DateTimeOffset = "global::System.DateTimeOffset";
    public const string TimeSpan = "global::System.TimeSpan";
    public const string CultureInfo = "global::System.Globalization.CultureInfo";
    public const string DateTimeStyles = "global::System.Globalization.DateTimeStyles";
    public const string ArgumentNullException = "global::System.ArgumentNullException";
    public const string GeneratedCodeAttribute = "global::System.CodeDom.Compiler.GeneratedCodeAttribute";

    // Where generated code lives.
    public const string GeneratedNamespace = "KinesisAttrib.Generated";
    public const string RegistrationNamespace = "Microsoft.Extensions.DependencyInjection";
    public const string RegistrationClass = "KinesisAttribGeneratedRegistrations";
    public const string RegistrationHintName = "KinesisAttribRegistrations.g.cs";
}
