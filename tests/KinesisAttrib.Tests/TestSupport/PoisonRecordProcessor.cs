using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>A per-record handler that throws on one payload every time.</summary>
internal sealed class PoisonRecordProcessor(IServiceProvider services, HandlerSettings settings, string poison, HandledLog log, IRecordDeserializer<string>? deserializer = null)
    : RecordHandlerProcessor<string>(services, deserializer ?? RecordDeserializers.Utf8String, settings)
{
    protected override ValueTask HandleAsync(IServiceProvider services, string payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
    {
        if (payload == poison)
        {
            log.PoisonAttempt();
            throw new InvalidOperationException($"cannot handle {payload}");
        }

        log.Add(payload);
        return default;
    }
}
