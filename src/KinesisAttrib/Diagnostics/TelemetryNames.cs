namespace KinesisAttrib.Diagnostics;

/// <summary>
/// The names of the meter, the activity source and their attributes: the OpenTelemetry messaging conventions where one
/// fits (<c>messaging.*</c>, <c>rpc.*</c>, <c>error.type</c>), <c>kinesisattrib.*</c> for the rest. Listed in
/// docs/observability.md.
/// </summary>
internal static class TelemetryNames
{
    /// <summary>The meter and the activity source: <c>AddMeter("KinesisAttrib")</c>, <c>AddSource("KinesisAttrib")</c>.</summary>
    public const string Name = "KinesisAttrib";

    public const string MessagingSystem = "messaging.system";
    public const string MessagingSystemValue = "aws_kinesis";
    public const string Stream = "messaging.destination.name";
    public const string Application = "messaging.consumer.group.name";
    public const string Shard = "messaging.destination.partition.id";
    public const string Worker = "messaging.client.id";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string BatchSize = "messaging.batch.message_count";
    public const string ErrorType = "error.type";

    public const string RpcSystem = "rpc.system";
    public const string RpcService = "rpc.service";
    public const string RpcMethod = "rpc.method";

    public const string Outcome = "kinesisattrib.outcome";
    public const string LeaseTransition = "kinesisattrib.lease.transition";
    public const string FailureReason = "kinesisattrib.failure.reason";
    public const string DeserializationPolicy = "kinesisattrib.deserialization.policy";
    public const string FirstSequenceNumber = "kinesisattrib.first_sequence_number";
    public const string LastSequenceNumber = "kinesisattrib.last_sequence_number";
    public const string Checkpoint = "kinesisattrib.checkpoint";
    public const string Attempt = "kinesisattrib.attempt";
}
