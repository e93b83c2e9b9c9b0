namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>The common options of every command: which application, table and stream, and where the services are.</summary>
/// <param name="Application">The application name (<c>--application</c>).</param>
/// <param name="TableName">The lease table: <c>--lease-table</c>, else the application name (as the KCL names it).</param>
/// <param name="Stream">The stream (<c>--stream</c>); null to take it from the table's <c>kinesisattribStream</c> attribute.</param>
/// <param name="Region">The region (<c>--region</c>); null for AWS_REGION, AWS_DEFAULT_REGION, then the profile.</param>
/// <param name="KinesisEndpoint">A Kinesis endpoint (<c>--kinesis-endpoint</c>), e.g. a local emulator.</param>
/// <param name="DynamoDbEndpoint">A DynamoDB endpoint (<c>--dynamodb-endpoint</c>).</param>
/// <param name="Timeout">How long one request may take (<c>--timeout</c>).</param>
internal sealed record ToolSettings(
    string Application,
    string TableName,
    string? Stream,
    string? Region,
    Uri? KinesisEndpoint,
    Uri? DynamoDbEndpoint,
    TimeSpan Timeout);
