namespace KinesisAttrib.Handlers;

/// <summary>The shard a processor works on, and for whom.</summary>
/// <param name="ApplicationName">The application (consumer) name.</param>
/// <param name="StreamName">The stream.</param>
/// <param name="ShardId">The shard.</param>
/// <param name="WorkerId">This worker's id.</param>
public sealed record ShardContext(string ApplicationName, string StreamName, string ShardId, string WorkerId);
