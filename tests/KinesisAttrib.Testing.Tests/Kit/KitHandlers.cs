using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Testing.Tests.Kit;

public sealed record Greeting(string Name);

[JsonSerializable(typeof(Greeting))]
public sealed partial class KitJsonContext : JsonSerializerContext;

/// <summary>What the handlers below received, in order.</summary>
public sealed class GreetingLog
{
    private readonly ConcurrentQueue<(string Name, string SequenceNumber, long SubSequenceNumber)> _seen = new();

    public IReadOnlyList<(string Name, string SequenceNumber, long SubSequenceNumber)> Seen => [.. _seen];

    public void Add(Greeting greeting, RecordContext record) => _seen.Enqueue((greeting.Name, record.SequenceNumber, record.SubSequenceNumber));
}

public sealed class GreetingHandler(GreetingLog log)
{
    [KinesisHandler("greetings", ApplicationName = "greeter", JsonSerializerContext = typeof(KitJsonContext))]
    public void OnGreeting(Greeting greeting, RecordContext record) => log.Add(greeting, record);
}

/// <summary>A manual-checkpoint batch handler that checkpoints at its last record explicitly.</summary>
public static class ManualHandler
{
    [KinesisHandler("manual", ApplicationName = "manual", CheckpointMode = CheckpointMode.Manual, JsonSerializerContext = typeof(KitJsonContext))]
    public static async Task OnGreetings(IReadOnlyList<KinesisRecord<Greeting>> greetings, GreetingLog log, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
    {
        foreach (var greeting in greetings)
        {
            log.Add(greeting.Payload, greeting.Context);
        }

        await checkpointer.CheckpointAsync(greetings[^1].Record, ct);
    }
}
